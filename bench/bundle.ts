/**
 * Bundles with the esbuild options the stack deploys (`bundlingOptions` from lib/constructs/functions.ts, mapped to
 * esbuild's API the way NodejsFunction maps them to its command line) and reports bytes and gzip bytes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { bundlingOptions, PROJECT_ROOT } from '../lib/constructs/functions';

/** One bundle on disk with its sizes. */
export interface BuiltBundle {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The source map beside it (not loaded unless NODE_OPTIONS=--enable-source-maps). */
  readonly mapBytes: number;
}

/** A bench child script (`bench/<name>.ts`) bundled into `workDir/<name>.cjs`, to run in fresh processes. */
export async function bundleBenchChild(workDir: string, name: string): Promise<string> {
  const outfile = path.join(workDir, `${name}.cjs`);
  await build({
    entryPoints: [path.join(PROJECT_ROOT, 'bench', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'warning',
  });
  return outfile;
}

/** esbuild options equal to what NodejsFunction runs for `bundlingOptions`. */
/** `withSourceMap` builds the variant with a map (as the stack did before), to measure what it costs. */
export function deployedEsbuildOptions(entry: string, outfile: string, withSourceMap = false): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: bundlingOptions.format,
    target: bundlingOptions.target,
    minify: bundlingOptions.minify,
    sourcemap: withSourceMap || bundlingOptions.sourceMap,
    sourcesContent: false,
    mainFields: [...bundlingOptions.mainFields],
    external: [...bundlingOptions.externalModules],
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'warning',
  };
}

/** Builds `entry` (absolute, or relative to the repository root) into `outDir/<name>/index.js`. */
export async function buildBundle(name: string, entry: string, outDir: string, withSourceMap = false): Promise<BuiltBundle> {
  const file = path.join(outDir, name, 'index.js');
  await build(deployedEsbuildOptions(path.resolve(PROJECT_ROOT, entry), file, withSourceMap));
  const code = readFileSync(file);
  let mapBytes = 0;
  try {
    mapBytes = readFileSync(`${file}.map`).length;
  } catch {
    // No map when source maps are off.
  }
  return { file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, mapBytes };
}

/** The deployed handlers and the cold-init baselines, by name. */
export const bundleEntries = {
  receiver: 'lambda/handlers/receiver/index.ts',
  fanout: 'lambda/handlers/fanout/index.ts',
  empty: 'bench/baselines/empty.ts',
  receiverSdkOnly: 'bench/baselines/receiver-sdk-only.ts',
  fanoutSdkOnly: 'bench/baselines/fanout-sdk-only.ts',
  receiverWithMaps: 'lambda/handlers/receiver/index.ts',
  fanoutWithMaps: 'lambda/handlers/fanout/index.ts',
} as const;

export type BundleName = keyof typeof bundleEntries;

/** Builds every entry in {@link bundleEntries}. */
export async function buildAll(outDir: string): Promise<Record<BundleName, BuiltBundle>> {
  const names = Object.keys(bundleEntries) as BundleName[];
  const built = await Promise.all(names.map((name) => buildBundle(name, bundleEntries[name], outDir, name.endsWith('WithMaps'))));
  return Object.fromEntries(names.map((name, i) => [name, built[i]])) as Record<BundleName, BuiltBundle>;
}
