/**
 * Development signing material for the local stack. When PANJAYA_PUBLIC_KEYS / CONTENTOR_WEBHOOK_SECRETS are unset,
 * a key pair and a secret are generated once into the state dir; the `send` CLI signs with them. The private key
 * never leaves the state dir and is only ever used locally.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DevCredentialPaths {
  readonly dir: string;
  readonly panjayaPrivateKey: string;
  readonly panjayaPublicKey: string;
  readonly contentorSecret: string;
}

export function devCredentialPaths(stateDir: string): DevCredentialPaths {
  const dir = path.join(stateDir, 'dev-keys');
  return {
    dir,
    panjayaPrivateKey: path.join(dir, 'panjaya-private.pem'),
    panjayaPublicKey: path.join(dir, 'panjaya-public.pem'),
    contentorSecret: path.join(dir, 'contentor-secret.txt'),
  };
}

/** Creates the development key pair and secret if missing; returns their paths. */
export function ensureDevCredentials(stateDir: string): DevCredentialPaths {
  const paths = devCredentialPaths(stateDir);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  if (!existsSync(paths.panjayaPrivateKey) || !existsSync(paths.panjayaPublicKey)) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(paths.panjayaPrivateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(paths.panjayaPublicKey, publicKey.export({ type: 'spki', format: 'pem' }));
  }
  if (!existsSync(paths.contentorSecret)) {
    writeFileSync(paths.contentorSecret, `dev-${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  }
  return paths;
}

export function readDevContentorSecret(stateDir: string): string | undefined {
  const file = devCredentialPaths(stateDir).contentorSecret;
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

export function readDevPanjayaPrivateKey(stateDir: string): string | undefined {
  const file = devCredentialPaths(stateDir).panjayaPrivateKey;
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}
