/**
 * Send a signed test callback: `npm run send -- <provider> <event|status> [options]`. Signs with the local stack's
 * development key/secret (state dir) unless a key or secret is given, and posts to the local stack (outputs file)
 * or any URL (a deployed ApiUrl). Prints the response.
 */
import './lib/quiet-node-warning';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  panjayaSignatureEncodings,
  signPanjaya,
  signContentorHeader,
  contentorEnvelope,
  contentorHeaderStyles,
  type PanjayaSignatureEncoding,
  type ContentorHeaderStyle,
} from './lib/signing';
import { readDevContentorSecret, readDevPanjayaPrivateKey } from '../local/dev-credentials';
import { didYouMean } from '../lambda/core/closest-match';
import { exitCodes, oneOf, parseCliArgs, runCli, UsageError } from './lib/cli';
import { defaultOutputsFile, ensureLocalStackAnswers, loadOutputs } from './lib/outputs';
import { builtInRegistry } from '../lambda/core/providers';
import { cliProviders, configuredProvidersForCli } from './lib/cli-providers';
import { configuredRequest, type SignedRequest } from './lib/configured-request';
import { webhookRoute } from '../lambda/contracts';
import type { ProviderModule } from '../lambda/core/providers/provider';
import type { ConfiguredProvider } from '../lambda/core/providers/configured/config-schema';
import { parseProviderSecrets } from '../lambda/core/providers/configured/config-schema';

/** A configured provider's secrets for signing: LOCAL_PROVIDER_SECRETS, as the local stack reads them. */
function configuredSecrets(provider: string): string[] {
  const text = process.env.LOCAL_PROVIDER_SECRETS;
  const secrets = text ? parseProviderSecrets(text, 'LOCAL_PROVIDER_SECRETS')[provider] : undefined;
  if (!secrets || secrets.length === 0)
    throw new UsageError(`no --secret and no LOCAL_PROVIDER_SECRETS entry for ${provider}: sign with the secret the stack trusts`);
  return [...secrets];
}

const contentorStyles = [...contentorHeaderStyles.map((s) => `header-${s}`), 'envelope'] as const;

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
  --asset ID, --version ID, --locale L   Panjaya ids (defaults: asset-demo, v1, es-ES; no version for asset_failed)
  --uuid ID, --timestamp ISO             Contentor job and time (defaults: new uuid, now)
  --job-id ID        a configured provider's job id (default: a new uuid); --timestamp sets its event time
                     (terminal statuses only, as such providers send it); --secret defaults to the first of
                     LOCAL_PROVIDER_SECRETS' for it
  --style S          Panjaya: ${panjayaSignatureEncodings.join(' | ')} (default der-hex)
                     Contentor: ${contentorStyles.join(' | ')} (default header-hex)
  --key FILE         Panjaya private key PEM (default: the local stack's development key)
  --secret S         Contentor secret (default: $CONTENTOR_WEBHOOK_SECRETS' first, else the development secret)
  --url URL          target base URL, e.g. a deployed ApiUrl (default: ApiUrl from the outputs file)
  --outputs FILE     outputs file (default: $LOCAL_OUTPUTS_FILE, else $LOCAL_STATE_DIR/outputs.json)
  --allow-unknown    send an event/status the provider does not document (stored as "unknown")
  --body-only        print the signed request (headers + body) instead of sending it
  -h, --help
`;

const stateDir = () => process.env.LOCAL_STATE_DIR ?? '.local';

export function panjayaRequest(
  event: string,
  o: { asset: string; version?: string; locale: string; style: PanjayaSignatureEncoding; key: string },
): SignedRequest {
  const isAssetEvent = event.startsWith('asset_');
  const body = JSON.stringify({
    asset_id: o.asset,
    version_id: isAssetEvent ? null : (o.version ?? 'v1'),
    version_locale: isAssetEvent ? null : o.locale,
    event,
  });
  return { path: webhookRoute.pathFor('panjaya'), headers: { 'content-type': 'application/json', 'x-signature': signPanjaya(body, o.key, o.style) }, body };
}

export function contentorRequest(status: string, o: { uuid: string; timestamp: string; style: string; secret: string }): SignedRequest {
  const data = { uuid: o.uuid, status, timestamp: o.timestamp };
  if (o.style === 'envelope') {
    return { path: webhookRoute.pathFor('contentor'), headers: { 'content-type': 'application/json' }, body: contentorEnvelope(data, o.secret) };
  }
  const headerStyle = o.style.replace(/^header-/, '') as ContentorHeaderStyle;
  if (!contentorHeaderStyles.includes(headerStyle)) throw new UsageError(`--style for contentor must be one of ${contentorStyles.join(', ')}`);
  const body = JSON.stringify(data);
  return {
    path: webhookRoute.pathFor('contentor'),
    headers: { 'content-type': 'application/json', 'x-webhook-signature': signContentorHeader(body, o.secret, headerStyle) },
    body,
  };
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
  const provider = module.name;
  const known: readonly string[] = module?.knownEventTypes ?? [];
  if (known.includes(event.trim().toLowerCase())) return;
  const what = `${module.label} ${provider === 'panjaya' ? 'event' : 'status'}`;
  const hint = `"${event}" is not a ${what} the provider documents${didYouMean(event, known)}`;
  if (!allowUnknown) throw new UsageError(`${hint}; known: ${known.join(', ')}. Add --allow-unknown to send it anyway (stored as status "unknown")`);
  process.stderr.write(`warning: ${hint}; sending it anyway (--allow-unknown): it will be stored as status "unknown"\n`);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(
    argv,
    {
      asset: { type: 'string' },
      version: { type: 'string' },
      locale: { type: 'string' },
      uuid: { type: 'string' },
      'job-id': { type: 'string' },
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
  } else if (provider === 'panjaya') {
    const style = (values.style ?? 'der-hex') as PanjayaSignatureEncoding;
    if (!panjayaSignatureEncodings.includes(style)) throw new UsageError(`--style for panjaya must be one of ${panjayaSignatureEncodings.join(', ')}`);
    const key = values.key
      ? readFileSync(values.key, 'utf8')
      : need(readDevPanjayaPrivateKey(stateDir()), `no --key and no development key in ${stateDir()}/dev-keys: start the local stack once (npm start)`);
    const asset = values.asset ?? 'asset-demo';
    request = panjayaRequest(event, { asset, version: values.version, locale: values.locale ?? 'es-ES', style, key });
    job = event.startsWith('asset_') ? `panjaya ${asset}` : `panjaya ${asset} ${values.version ?? 'v1'}`;
  } else {
    const secret =
      values.secret ??
      process.env.CONTENTOR_WEBHOOK_SECRETS?.split(',')[0]?.trim() ??
      need(readDevContentorSecret(stateDir()), `no --secret and no development secret in ${stateDir()}/dev-keys: start the local stack once (npm start)`);
    const uuid = values.uuid ?? randomUUID();
    request = contentorRequest(event, { uuid, timestamp: values.timestamp ?? new Date().toISOString(), style: values.style ?? 'header-hex', secret });
    job = `contentor ${uuid}`;
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
