/**
 * Trusted Panjaya public keys from deploy configuration, in every form a user can hand over: PEM blocks (cdk.json, the
 * construct's props), single-line base64 SPKI bodies (`-c panjayaPublicKeys=MFkw…,MFkw…`), or a file of PEM blocks
 * (`-c panjayaPublicKeysFile=panjaya-keys.pem`). The CDK CLI passes only the first line of a multi-line `-c` value to
 * the app (it splits `key=value` with a pattern that stops at a newline), so a PEM cannot travel through `-c`.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** What came out of the configuration: the keys as PEM, and one line per problem (naming the key to fix). */
export interface PanjayaKeysResult {
  readonly keys: string[];
  readonly problems: string[];
}

/** Where the CLI cut a PEM short: what a user sees, and what to do instead. */
const TRUNCATED_HINT =
  'the CDK CLI passes only the first line of a multi-line -c value: use -c panjayaPublicKeysFile=panjaya-keys.pem (the PEM blocks in one file), ' +
  'or the single-line base64 bodies, comma-separated, in -c panjayaPublicKeys';

/** One spelling per key (64-column PEM), so the same key given twice, in two forms, is trusted once. */
const canonicalPem = (key: KeyObject): string => key.export({ type: 'spki', format: 'pem' }).toString().trim();

function checkP256(key: KeyObject, label: string): string | undefined {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && curve === 'prime256v1') return undefined;
  return `${label} is ${key.asymmetricKeyType ?? 'unknown'}${curve ? ` (${curve})` : ''}, expected an EC P-256 public key (ES256)`;
}

/**
 * PEM blocks (and, when `base64` is set, base64 SPKI bodies) in one text, each checked; `source` names the context key
 * in messages. A key file holds PEM only: anything else in it is not read as a key.
 */
function keysIn(text: string, source: string, ordinal: { next: number }, base64: boolean): PanjayaKeysResult {
  const keys: string[] = [];
  const problems: string[] = [];
  // Literal "\n" as typed on a command line stands for a newline.
  const normalised = text.replace(/\\n/g, '\n');
  for (const pem of normalised.match(PEM_BLOCK) ?? []) {
    const label = `${source}: key #${ordinal.next++}`;
    try {
      const key = createPublicKey(pem);
      const problem = checkP256(key, label);
      if (problem) problems.push(problem);
      else keys.push(canonicalPem(key));
    } catch {
      problems.push(`${label} is a malformed PEM public key (check the base64 body and the BEGIN/END lines)`);
    }
  }
  const rest = normalised.replace(PEM_BLOCK, ' ');
  if (rest.includes('-----BEGIN')) {
    problems.push(`${source}: a "-----BEGIN PUBLIC KEY-----" block without its END line (${TRUNCATED_HINT})`);
    return { keys, problems };
  }
  if (!base64) return { keys, problems };
  for (const body of rest.split(/[\s,]+/).filter((s) => s.length > 0)) {
    const label = `${source}: key #${ordinal.next++}`;
    if (!BASE64.test(body)) {
      problems.push(`${label} is neither a PEM block nor a base64 SPKI body (the lines between BEGIN and END, joined)`);
      continue;
    }
    try {
      const key = createPublicKey({ key: Buffer.from(body, 'base64'), format: 'der', type: 'spki' });
      const problem = checkP256(key, label);
      if (problem) problems.push(problem);
      else keys.push(canonicalPem(key));
    } catch {
      problems.push(`${label} is not a valid base64 SPKI public key (the lines between BEGIN and END of the PEM, joined)`);
    }
  }
  return { keys, problems };
}

/**
 * The trusted keys: those in `value` (PEM blocks and/or base64 bodies, a string or a list) and those in the PEM file
 * `file` (relative to the directory cdk runs in), both when both are given; `fallback` (PEM) when neither is.
 */
export function readPanjayaKeys(value: string | readonly string[] | undefined, file: string | undefined, fallback: string): PanjayaKeysResult {
  if (value === undefined && file === undefined) return { keys: [fallback], problems: [] };
  const ordinal = { next: 1 };
  const keys: string[] = [];
  const problems: string[] = [];
  if (value !== undefined) {
    const found = keysIn(typeof value === 'string' ? value : value.join('\n'), 'panjayaPublicKeys', ordinal, true);
    keys.push(...found.keys);
    problems.push(...found.problems);
  }
  if (file !== undefined) {
    let text: string | undefined;
    try {
      text = readFileSync(path.resolve(file), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      problems.push(`panjayaPublicKeysFile: cannot read ${JSON.stringify(file)} (${code}): give a path relative to the directory you run cdk in`);
    }
    if (text !== undefined) {
      const found = keysIn(text, 'panjayaPublicKeysFile', ordinal, false);
      if (found.keys.length === 0 && found.problems.length === 0) {
        problems.push(`panjayaPublicKeysFile: no "-----BEGIN PUBLIC KEY-----" block in ${JSON.stringify(file)} (concatenate the PEM files into it)`);
      }
      keys.push(...found.keys);
      problems.push(...found.problems);
    }
  }
  if (keys.length === 0 && problems.length === 0) {
    problems.push('panjayaPublicKeys: no "-----BEGIN PUBLIC KEY-----" block and no base64 key found (give one or more P-256 public keys)');
  }
  return { keys: [...new Set(keys)], problems };
}
