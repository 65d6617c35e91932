/**
 * Send a signed test callback: `npm run send -- <provider> <event|status> [options]`. Signs with the local stack's
 * development key/secret (state dir) unless a key or secret is given, and posts to the local stack (outputs file)
 * or any URL (a deployed ApiUrl). Prints the response.
 */
import './lib/quiet-node-warning';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readDevSigningMaterial } from '../local/dev-credentials';
import { signerOf } from './lib/signing';
import { didYouMean } from '../lambda/core/closest-match';
import { exitCodes, oneOf, parseCliArgs, runCli, UsageError } from './lib/cli';
import { defaultOutputsFile, ensureLocalStackAnswers, loadOutputs } from './lib/outputs';
import { builtInProviders, builtInRegistry } from '../lambda/core/providers';
import { cliProviders, configuredProvidersForCli } from './lib/cli-providers';
import { configuredRequest, type SignedRequest } from './lib/configured-request';
import { webhookRoute } from '../lambda/contracts';
import type { ProviderModule, SampleSender } from '../lambda/core/providers/provider';
import type { ConfiguredProvider } from '../lambda/core/providers/configured/config-schema';
import { parseProviderSecrets } from '../lambda/core/providers/configured/config-schema';

/** A provider's secrets in LOCAL_PROVIDER_SECRETS, as the local stack reads them (undefined when it lists none). */
function listedSecrets(provider: string): readonly string[] | undefined {
  const text = process.env.LOCAL_PROVIDER_SECRETS;
  const secrets = text ? parseProviderSecrets(text, 'LOCAL_PROVIDER_SECRETS')[provider] : undefined;
  return secrets && secrets.length > 0 ? secrets : undefined;
}

/** A configured provider's secrets for signing: its LOCAL_PROVIDER_SECRETS entry. */
function configuredSecrets(provider: string): string[] {
  const secrets = listedSecrets(provider);
  if (!secrets) throw new UsageError(`no --secret and no LOCAL_PROVIDER_SECRETS entry for ${provider}: sign with the secret the stack trusts`);
  return [...secrets];
}

/** The built-ins' own send options (their modules' `sender`), once each, for the usage text and the parser. */
const builtInOptions = new Map<string, { label: string; help: string; default?: string }[]>();
for (const module of builtInProviders) {
  for (const [name, option] of Object.entries(module.sender?.options ?? {})) {
    builtInOptions.set(name, [...(builtInOptions.get(name) ?? []), { label: module.label, ...option }]);
  }
}
const optionLines = [...builtInOptions]
  .map(([name, uses]) => {
    const help = uses.map((u) => `${u.label}: ${u.help}${u.default === undefined ? '' : ` (default ${u.default})`}`).join('; ');
    return `  ${`--${name} V`.padEnd(19)}${help}`;
  })
  .join('\n');
const styleLines = builtInProviders
  .flatMap((m) => (m.sender ? [`${' '.repeat(21)}${m.label}: ${m.sender.styles.join(' | ')} (default ${m.sender.styles[0]})`] : []))
  .join('\n');
const keyLabels = builtInProviders.filter((m) => m.trust.kind === 'public-keys').map((m) => m.label);
const secretLabels = builtInProviders.filter((m) => m.trust.kind === 'secrets').map((m) => m.label);

const usage = `Usage: npm run send -- <provider> <event|status> [options]

  npm run send -- panjaya version_generated --asset A1 --version V1
  npm run send -- panjaya asset_failed --asset A1
  npm run send -- contentor completed --uuid 3f2a...   (a new uuid when omitted)
  npm run send -- contentor failed --style envelope
  npm run send -- replicate succeeded --job-id p-123   (a provider declared in LOCAL_PROVIDERS / cdk.json)

${builtInRegistry.modules.map((m) => `${m.label}: ${m.knownEventTypes.join(', ')}.`).join('\n')}
Configured providers (LOCAL_PROVIDERS / cdk.json providers): the statuses their declaration maps.
Anything else is refused as a likely typo (exit 2); --allow-unknown sends it on purpose: the receiver accepts it
and stores it as status "unknown".

Options:
${optionLines}
  --job-id ID        a configured provider's job id (default: a new uuid); --timestamp sets its event time
                     (terminal statuses only, as such providers send it); --secret defaults to the first of
                     LOCAL_PROVIDER_SECRETS' for it
  --style S          the signature's form:
${styleLines}
  --key FILE         private key PEM (${keyLabels.join(', ')}; default: the local stack's development key)
  --secret S         secret (${secretLabels.join(', ')}; default: the provider's own variable's first, e.g.
                     $CONTENTOR_WEBHOOK_SECRETS, else LOCAL_PROVIDER_SECRETS', else the development secret)
  --url URL          target base URL, e.g. a deployed ApiUrl (default: ApiUrl from the outputs file)
  --outputs FILE     outputs file (default: $LOCAL_OUTPUTS_FILE, else $LOCAL_STATE_DIR/outputs.json)
  --allow-unknown    send an event/status the provider does not document (stored as "unknown")
  --body-only        print the signed request (headers + body) instead of sending it
  -h, --help
`;

const stateDir = () => process.env.LOCAL_STATE_DIR ?? '.local';

/**
 * What a built-in's delivery is signed with: --key (a key-pair provider) or --secret, else its own variable's first
 * secret, else LOCAL_PROVIDER_SECRETS' first, else the local stack's development material.
 */
function signingMaterial(module: ProviderModule, values: { key?: string; secret?: string }): string {
  const trust = module.trust;
  if (trust.kind === 'public-keys') {
    if (values.key) return readFileSync(values.key, 'utf8');
  } else {
    const own = trust.localEnvName ? process.env[trust.localEnvName]?.split(',')[0]?.trim() : undefined;
    const listed = listedSecrets(module.name)?.[0];
    const given = values.secret ?? (own || undefined) ?? listed;
    if (given) return given;
  }
  const what = trust.kind === 'public-keys' ? 'key' : 'secret';
  return need(
    readDevSigningMaterial(stateDir(), module),
    `no --${what} and no development ${what} in ${stateDir()}/dev-keys: start the local stack once (npm start)`,
  );
}

/** A built-in's delivery, made and signed by its own module. */
export function builtInRequest(
  module: ProviderModule,
  event: string,
  values: Readonly<Record<string, string | undefined>>,
  material: string,
): { request: SignedRequest; job: string } {
  const sender = module.sender as SampleSender;
  const style = values.style ?? sender.styles[0] ?? '';
  if (!sender.styles.includes(style)) throw new UsageError(`--style for ${module.name} must be one of ${sender.styles.join(', ')}`);
  const sample = sender.sample(event, values, signerOf(material), style);
  return { request: { path: webhookRoute.pathFor(module.name), headers: sample.headers, body: sample.body }, job: [module.name, ...sample.job].join(' ') };
}

function need<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new UsageError(message);
  return value;
}

/**
 * A name the provider does not document is refused unless sent on purpose: otherwise `contentor faild` would be
 * stored as an "unknown" event without a word.
 */
function checkDocumented(module: ProviderModule, event: string, allowUnknown: boolean): void {
  const known: readonly string[] = module?.knownEventTypes ?? [];
  if (known.includes(event.trim().toLowerCase())) return;
  const what = `${module.label} ${module.sender?.eventNoun ?? 'status'}`;
  const hint = `"${event}" is not a ${what} the provider documents${didYouMean(event, known)}`;
  if (!allowUnknown) throw new UsageError(`${hint}; known: ${known.join(', ')}. Add --allow-unknown to send it anyway (stored as status "unknown")`);
  process.stderr.write(`warning: ${hint}; sending it anyway (--allow-unknown): it will be stored as status "unknown"\n`);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(
    argv,
    {
      ...Object.fromEntries([...builtInOptions.keys()].map((name) => [name, { type: 'string' as const }])),
      'job-id': { type: 'string' },
      // Configured providers' event time too.
      timestamp: { type: 'string' },
      style: { type: 'string' },
      key: { type: 'string' },
      secret: { type: 'string' },
      url: { type: 'string' },
      outputs: { type: 'string' },
      'allow-unknown': { type: 'boolean', default: false },
      'body-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(usage);
    return exitCodes.ok;
  }
  const [providerArg, event] = positionals;
  if (!providerArg || !event || positionals.length > 2) throw new UsageError('expected <provider> <event|status>');
  const registry = cliProviders(values.outputs ?? defaultOutputsFile());
  const provider = oneOf(providerArg, registry.names, 'provider');
  const module = registry.get(provider) as ProviderModule;
  checkDocumented(module, event, values['allow-unknown']);
  let request: SignedRequest;
  let job: string;
  const configured = configuredProvidersForCli(values.outputs ?? defaultOutputsFile());
  if (Object.hasOwn(configured, provider)) {
    const declaration = configured[provider] as ConfiguredProvider;
    const secrets = values.secret ? [values.secret] : configuredSecrets(provider);
    const jobId = values['job-id'] ?? randomUUID();
    const terminal = module.statusOf(event) === 'succeeded' || module.statusOf(event) === 'failed';
    request = configuredRequest(provider, declaration, event, {
      jobId,
      secrets,
      occurredAt: terminal ? (values.timestamp ?? new Date().toISOString()) : undefined,
    });
    job = `${provider} ${jobId}`;
  } else {
    const made = builtInRequest(module, event, values as unknown as Record<string, string | undefined>, signingMaterial(module, values));
    request = made.request;
    job = made.job;
  }
  if (values['body-only']) {
    process.stdout.write(`${JSON.stringify(request, null, 2)}\n`);
    return exitCodes.ok;
  }
  let base = values.url;
  if (base === undefined) {
    const outputs = loadOutputs(values.outputs);
    await ensureLocalStackAnswers(outputs, 'ApiUrl');
    base = outputs.ApiUrl ?? '';
  }
  base = base.replace(/\/+$/, '');
  if (!base) throw new UsageError('no --url and the outputs file has no ApiUrl');
  // The job id first: the generated uuid is what `jobs get` needs next.
  process.stdout.write(`job: ${job}   (look it up: npm run --silent jobs -- get ${job})\n`);
  let response: Response;
  try {
    response = await fetch(`${base}${request.path}`, { method: 'POST', headers: request.headers, body: request.body });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`could not reach ${base}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  const text = await response.text();
  process.stdout.write(`POST ${base}${request.path} → ${response.status}\n${text}\n`);
  return response.ok ? exitCodes.ok : exitCodes.failure;
}

if (require.main === module) runCli(() => main(process.argv.slice(2)), usage);
