/**
 * Development signing material for the local stack, one set per built-in provider, generated once into the state
 * dir as its module's trust asks (lambda/core/providers, `trust`): a key pair (`<name>-private.pem`,
 * `<name>-public.pem`) or a secret (`<name>-secret.txt`). The `send` CLI signs with them; the private keys never leave
 * the state dir and are only ever used locally.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { builtInProviders } from '../lambda/core/providers';
import type { ProviderModule } from '../lambda/core/providers/provider';

/** The folder of the development material. */
export const devKeysDir = (stateDir: string): string => path.join(stateDir, 'dev-keys');

export interface DevMaterialPaths {
  /** What signs: the private key PEM, or the secret. */
  readonly signing: string;
  /** What the receiver trusts, for a key pair (the secret is its own). */
  readonly trusted?: string;
}

export function devMaterialPaths(stateDir: string, module: ProviderModule): DevMaterialPaths {
  const dir = devKeysDir(stateDir);
  if (module.trust.kind === 'public-keys')
    return { signing: path.join(dir, `${module.name}-private.pem`), trusted: path.join(dir, `${module.name}-public.pem`) };
  return { signing: path.join(dir, `${module.name}-secret.txt`) };
}

/** Creates every built-in's development material that is missing. */
export function ensureDevCredentials(stateDir: string, modules: readonly ProviderModule[] = builtInProviders): void {
  mkdirSync(devKeysDir(stateDir), { recursive: true, mode: 0o700 });
  for (const module of modules) {
    const paths = devMaterialPaths(stateDir, module);
    if (module.trust.kind === 'public-keys') {
      if (existsSync(paths.signing) && paths.trusted && existsSync(paths.trusted)) continue;
      const pair = module.trust.generateDevKeyPair();
      writeFileSync(paths.signing, pair.privateKeyPem, { mode: 0o600 });
      if (paths.trusted) writeFileSync(paths.trusted, pair.publicKeyPem);
    } else if (!existsSync(paths.signing)) {
      writeFileSync(paths.signing, `dev-${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
    }
  }
}

/** What `send` signs with by default: the development private key or secret, if the local stack made one. */
export function readDevSigningMaterial(stateDir: string, module: ProviderModule): string | undefined {
  const file = devMaterialPaths(stateDir, module).signing;
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  return module.trust.kind === 'public-keys' ? text : text.trim();
}

/** The development public key a key-pair built-in trusts locally, beside its documented default. */
export function readDevPublicKey(stateDir: string, module: ProviderModule): string | undefined {
  const file = devMaterialPaths(stateDir, module).trusted;
  return file && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}
