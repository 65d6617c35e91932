export default async function globalTeardown(): Promise<void> {
  await Promise.all((globalThis.__emulators ?? []).map((e) => e.stop()));
}
