/**
 * Providers declared by configuration alone (docs/ARCHITECTURE.md "Configured providers"): the JSON of the deploy context key
 * `providers` and of the local stack's `LOCAL_PROVIDERS`, and the local secrets JSON `LOCAL_PROVIDER_SECRETS`.
 * A bad configuration fails `cdk synth` / `npm start` with one line per problem, each naming the provider, the
 * field and the fix. Pure: no I/O, nothing read from the environment here.
 */
import * as z from 'zod/mini';
import '../../zod-locale';
import { didYouMean as closestMatchHint } from '../../closest-match';
import { PROVIDER_NAME_RE } from '../../model';
import { builtInProviders, isBuiltInProvider } from '../built-in';
import { compilePointer, JsonPointerSyntaxError } from './json-pointer';
import { decodeStandardWebhooksSecret, StandardWebhooksSecretError } from './standard-webhooks';

/** What a provider's status may map to: `unknown` is what an unlisted status is, `stalled` only the watchdog sets. */
export const configuredLifecycleStatuses = ['in_progress', 'ready', 'succeeded', 'failed'] as const;
export type ConfiguredLifecycleStatus = (typeof configuredLifecycleStatuses)[number];
export const signatureSchemes = ['standard-webhooks', 'hmac-sha256'] as const;
/** Standard Webhooks' timestamp tolerance, as the reference libraries default it. */
export const DEFAULT_TOLERANCE_SECONDS = 300;
// The timestamp is the attempt's, re-signed on every retry, so only clock skew and transit need room: an hour is
// generous, and a larger window would weaken the replay protection the timestamp exists for.
export const MAX_TOLERANCE_SECONDS = 3600;

const LIFECYCLE_LIST = 'in_progress, ready, succeeded or failed';
const quoted = (value: unknown): string => JSON.stringify(value) ?? String(value);
const requiredOr = (whenRequired: string, otherwise: string) => (issue: { input?: unknown }) => (issue.input === undefined ? whenRequired : otherwise);

const didYouMean = (word: string, candidates: readonly string[]): string => closestMatchHint(word, candidates, quoted);

/** A JSON Pointer into the body, for a field whose value is a string or number (so never `""`, the whole body). */
const pointer = (what: string, example: string) =>
  z
    .string({
      error: requiredOr(
        `required: a JSON Pointer to ${what} in the body, e.g. ${quoted(example)}`,
        `must be a string: a JSON Pointer such as ${quoted(example)}`,
      ),
    })
    .check(
      z.superRefine((text, ctx) => {
        if (text === '') {
          ctx.addIssue({
            code: 'custom',
            input: text,
            message: `"" points at the whole body, which is not a string or number: point at ${what}, e.g. ${quoted(example)}`,
          });
          return;
        }
        try {
          compilePointer(text);
        } catch (error) {
          if (!(error instanceof JsonPointerSyntaxError)) throw error;
          ctx.addIssue({ code: 'custom', input: text, message: error.message });
        }
      }),
    );

// Printable, no control characters: labels go into e-mail subjects and Slack messages.
const LABEL_RE = /^[^\p{Cc}]{1,60}$/u;
const labelMessage = 'must be a display name of 1 to 60 characters without control characters, e.g. "Replicate", or left out (the name is used)';
// RFC 9110 token characters: what an HTTP header name may be made of.
const HEADER_NAME_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,100}$/;
const headerMessage = 'must be the HTTP header name the provider puts its signature in, e.g. "X-Acme-Signature"';
// Printable ASCII without a comma: API Gateway joins a repeated header with ", ", and values are split on commas.
const PREFIX_RE = /^[\x20-\x2b\x2d-\x7e]{1,32}$/;
const prefixMessage = 'must be the text before the digest, e.g. "sha256=" (1 to 32 printable ASCII characters, no comma), or left out';
const toleranceMessage = `must be a whole number of seconds from 1 to ${MAX_TOLERANCE_SECONDS}, e.g. ${DEFAULT_TOLERANCE_SECONDS} (the default)`;

const StandardWebhooksSignatureSchema = z.strictObject({
  scheme: z.literal('standard-webhooks'),
  toleranceSeconds: z._default(
    z.int({ error: toleranceMessage }).check(z.gte(1, toleranceMessage), z.lte(MAX_TOLERANCE_SECONDS, toleranceMessage)),
    DEFAULT_TOLERANCE_SECONDS,
  ),
});

const HmacSignatureSchema = z.strictObject({
  scheme: z.literal('hmac-sha256'),
  header: z.string({ error: requiredOr(`required for hmac-sha256: ${headerMessage}`, headerMessage) }).check(z.regex(HEADER_NAME_RE, headerMessage)),
  encoding: z.enum(['hex', 'base64'], {
    error: requiredOr(
      'required for hmac-sha256: "hex" or "base64", how the provider writes the digest',
      'must be "hex" or "base64": how the provider writes the digest',
    ),
  }),
  prefix: z.optional(z.string({ error: prefixMessage }).check(z.regex(PREFIX_RE, prefixMessage))),
});

const signatureExample = '{"scheme": "standard-webhooks"} or {"scheme": "hmac-sha256", "header": "X-Signature", "encoding": "hex"}';
const SignatureSchema = z.discriminatedUnion('scheme', [StandardWebhooksSignatureSchema, HmacSignatureSchema], {
  error: (issue) => {
    if (issue.code === 'invalid_union') {
      const scheme = (issue.input as { scheme?: unknown } | undefined)?.scheme;
      const fix = `must be ${signatureSchemes.map(quoted).join(' or ')}`;
      return scheme === undefined
        ? `required: ${fix}`
        : `${quoted(scheme)} is not a signature scheme: ${fix}${typeof scheme === 'string' ? didYouMean(scheme, signatureSchemes) : ''}`;
    }
    return issue.input === undefined ? `required: ${signatureExample}` : `must be an object: ${signatureExample}`;
  },
});

const statusValueMessage = (input: unknown): string => {
  if (input === 'stalled') return `"stalled" is set by the watchdog, not by a provider: map this status to ${LIFECYCLE_LIST}, or drop it`;
  if (input === 'unknown') return 'a status that is not listed is unknown already (stored, never notified): drop this entry';
  const hint = typeof input === 'string' ? didYouMean(input, configuredLifecycleStatuses) : '';
  return `${quoted(input)} is not a lifecycle status: use ${LIFECYCLE_LIST}${hint}`;
};

/** How statuses are matched: providers' spelling drifts in case and stray spaces (as for the built-ins). */
export const statusKey = (status: string): string => status.trim().toLowerCase();

const statusesExample = '{"running": "in_progress", "done": "succeeded", "error": "failed"}';
const StatusesSchema = z
  .record(z.string(), z.enum(configuredLifecycleStatuses, { error: (issue) => statusValueMessage(issue.input) }), {
    error: requiredOr(
      `required: map each status the provider sends to ${LIFECYCLE_LIST}, e.g. ${statusesExample}`,
      `must be an object mapping each status the provider sends to ${LIFECYCLE_LIST}, e.g. ${statusesExample}`,
    ),
  })
  .check(
    z.superRefine((statuses, ctx) => {
      const seen = new Map<string, string>();
      for (const status of Object.keys(statuses)) {
        const key = statusKey(status);
        const earlier = seen.get(key);
        if (key === '')
          ctx.addIssue({ code: 'custom', input: status, path: [status], message: 'a status name must not be blank: use the value the provider sends' });
        else if (earlier !== undefined) {
          ctx.addIssue({
            code: 'custom',
            input: status,
            path: [status],
            message: `${quoted(earlier)} and ${quoted(status)} are the same status (matched without regard to case and surrounding spaces): keep one`,
          });
        } else seen.set(key, status);
      }
      if (!Object.values(statuses).some((status) => status === 'succeeded' || status === 'failed')) {
        ctx.addIssue({
          code: 'custom',
          input: statuses,
          message: `no status maps to succeeded or failed, so no job would ever be notified: map the provider's final statuses, e.g. ${statusesExample}`,
        });
      }
    }),
  );

const ConfiguredProviderSchema = z.strictObject({
  label: z.optional(z.string({ error: labelMessage }).check(z.regex(LABEL_RE, labelMessage))),
  signature: SignatureSchema,
  jobId: pointer('the job id', '/id'),
  status: pointer("the job's status", '/status'),
  occurredAt: z.optional(pointer('when the event happened (ISO-8601)', '/completed_at')),
  eventId: z.optional(pointer("the event's own id", '/event_id')),
  statuses: StatusesSchema,
});

/** The fields of one configured provider; keep this list in step with the schema above (a test checks it). */
export const configuredProviderFields = ['label', 'signature', 'jobId', 'status', 'occurredAt', 'eventId', 'statuses'] as const;
const signatureFields: Readonly<Record<(typeof signatureSchemes)[number], readonly string[]>> = {
  'standard-webhooks': ['scheme', 'toleranceSeconds'],
  'hmac-sha256': ['scheme', 'header', 'encoding', 'prefix'],
};

/** One configured provider, validated, with its defaults filled in (the same shape parses again to itself). */
export type ConfiguredProvider = z.output<typeof ConfiguredProviderSchema> & { readonly label: string };
export type ConfiguredSignature = ConfiguredProvider['signature'];
/** Configured providers by route name. */
export type ConfiguredProviders = Readonly<Record<string, ConfiguredProvider>>;
/** Secrets by configured provider name, several each for rotation. */
export type ConfiguredProviderSecrets = Readonly<Record<string, readonly string[]>>;

/** Thrown for bad provider configuration or secrets; `problems` holds one line per problem, also in the message. */
export class ProvidersConfigError extends Error {
  override readonly name = 'ProvidersConfigError';
  constructor(
    summary: string,
    readonly problems: readonly string[],
  ) {
    super(`${summary}:\n  - ${problems.join('\n  - ')}`);
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `-c key=value` and environment variables arrive as JSON text; cdk.json values as objects. Accept both. */
function fromJsonText(input: unknown, source: string, example: string, echoParseError: boolean): unknown {
  if (typeof input !== 'string') return input;
  if (input.trim() === '') return {};
  try {
    return JSON.parse(input);
  } catch (error) {
    // A secrets parse error would quote the secrets' text, so only the providers' one is shown.
    const detail = echoParseError && error instanceof Error ? ` (${error.message})` : '';
    throw new ProvidersConfigError(`Invalid ${source}`, [`${source}: not valid JSON${detail}: expected an object such as ${example}`]);
  }
}

function unknownKeysLine(at: string, keys: readonly string[], known: readonly string[]): string {
  const hints = keys.map((key) => `${quoted(key)}${didYouMean(key, known)}`).join(', ');
  return `${at}: unknown field${keys.length > 1 ? 's' : ''} ${hints}: the fields are ${known.join(', ')}`;
}

function providerProblems(name: string, raw: unknown, source: string): string[] {
  const result = ConfiguredProviderSchema.safeParse(raw);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const at = [source, name, ...issue.path.map(String)].join('.');
    if (issue.code !== 'unrecognized_keys') return `${at}: ${issue.message}`;
    if (issue.path[0] !== 'signature') return unknownKeysLine(at, issue.keys, configuredProviderFields);
    const scheme = (raw as { signature: { scheme: (typeof signatureSchemes)[number] } }).signature.scheme;
    return unknownKeysLine(`${at} (${scheme})`, issue.keys, signatureFields[scheme]);
  });
}

const providersExample =
  '{"replicate": {"signature": {"scheme": "standard-webhooks"}, "jobId": "/id", "status": "/status", "statuses": {"succeeded": "succeeded"}}}';

/**
 * Validates the configured providers (object or JSON text; undefined or "" = none). `source` names where the JSON
 * came from in every line, e.g. `providers` (deploy context) or `LOCAL_PROVIDERS`. Throws ProvidersConfigError.
 */
export function parseProvidersConfig(input: unknown, source = 'providers'): ConfiguredProviders {
  const value = fromJsonText(input ?? {}, source, providersExample, true);
  if (!isPlainObject(value)) {
    throw new ProvidersConfigError(`Invalid ${source}`, [
      `${source}: must be a JSON object mapping a provider name to its configuration, e.g. ${providersExample}`,
    ]);
  }
  const problems: string[] = [];
  const providers: Record<string, ConfiguredProvider> = {};
  for (const [name, raw] of Object.entries(value)) {
    const at = `${source}.${name}`;
    if (isBuiltInProvider(name)) {
      problems.push(`${at}: ${quoted(name)} is a built-in provider: give the configured one another name`);
      continue;
    }
    if (!PROVIDER_NAME_RE.test(name)) {
      problems.push(
        `${at}: not a valid provider name: use 2 to 31 characters, lower-case letters, digits and "-", starting with a letter (it becomes the route POST /webhooks/<name>)`,
      );
      continue;
    }
    if (!isPlainObject(raw)) {
      problems.push(`${at}: must be an object with signature, jobId, status and statuses`);
      continue;
    }
    const found = providerProblems(name, raw, source);
    if (found.length > 0) problems.push(...found);
    else {
      const parsed = ConfiguredProviderSchema.parse(raw);
      providers[name] = { ...parsed, label: parsed.label ?? name };
    }
  }
  if (problems.length > 0) throw new ProvidersConfigError(`Invalid ${source}`, problems);
  return providers;
}

const SecretsSchema = z.record(z.string(), z.array(z.string()));

/**
 * Validates the local secrets JSON (object or JSON text; undefined or "" = none): provider name → array of secrets.
 * Messages never contain a secret. Throws ProvidersConfigError.
 */
export function parseProviderSecrets(input: unknown, source = 'LOCAL_PROVIDER_SECRETS'): ConfiguredProviderSecrets {
  const example = '{"replicate": ["whsec_..."]}';
  const value = fromJsonText(input ?? {}, source, example, false);
  const fix = `must be a JSON object mapping each configured provider's name to an array of its secrets, e.g. ${example}`;
  if (!isPlainObject(value)) throw new ProvidersConfigError(`Invalid ${source}`, [`${source}: ${fix}`]);
  const problems: string[] = [];
  for (const [name, secrets] of Object.entries(value)) {
    if (!Array.isArray(secrets) || secrets.length === 0) problems.push(`${source}.${name}: must be a non-empty array of secrets, e.g. ${example}`);
    else {
      secrets.forEach((secret, i) => {
        if (typeof secret !== 'string' || secret.length === 0) problems.push(`${source}.${name}[${i}]: must be a non-empty string`);
      });
    }
  }
  if (problems.length > 0) throw new ProvidersConfigError(`Invalid ${source}`, problems);
  return SecretsSchema.parse(value);
}

/** Problems with one provider's secrets (an empty list when they can be used). Never quotes a secret. */
export function secretProblems(name: string, provider: ConfiguredProvider, secrets: readonly string[] | undefined, source: string): string[] {
  if (secrets === undefined || secrets.length === 0) {
    const example = provider.signature.scheme === 'standard-webhooks' ? '"whsec_..."' : '"<the shared secret>"';
    return [`${source}.${name}: missing: give at least one secret for the configured provider ${quoted(name)}, e.g. {${quoted(name)}: [${example}]}`];
  }
  if (provider.signature.scheme !== 'standard-webhooks') return [];
  const problems: string[] = [];
  secrets.forEach((secret, i) => {
    try {
      decodeStandardWebhooksSecret(secret);
    } catch (error) {
      if (!(error instanceof StandardWebhooksSecretError)) throw error;
      problems.push(`${source}.${name}[${i}]: ${error.message}`);
    }
  });
  return problems;
}

/**
 * The cross-check at start-up: every configured provider has at least one usable secret, and every secrets entry
 * names a configured provider (a typo would otherwise leave the real one without secrets). Throws ProvidersConfigError.
 */
export function checkProviderSecrets(providers: ConfiguredProviders, secrets: ConfiguredProviderSecrets, source = 'LOCAL_PROVIDER_SECRETS'): void {
  const problems: string[] = [];
  for (const [name, provider] of Object.entries(providers)) problems.push(...secretProblems(name, provider, secrets[name], source));
  const configured = Object.keys(providers);
  for (const name of Object.keys(secrets)) {
    if (Object.hasOwn(providers, name)) continue;
    // A built-in that signs with shared secrets takes them here too (e.g. a rotated development secret).
    const builtIn = builtInProviders.find((module) => module.name === name);
    if (builtIn?.trust.kind === 'secrets') continue;
    problems.push(
      builtIn
        ? `${source}.${name}: ${quoted(name)} is a built-in provider that trusts public keys, not secrets: remove this entry`
        : `${source}.${name}: no configured provider has this name${didYouMean(name, configured)}: remove the entry or configure the provider`,
    );
  }
  if (problems.length > 0) throw new ProvidersConfigError(`Invalid ${source}`, problems);
}
