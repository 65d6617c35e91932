/**
 * Signed deliveries for the bench: the same signing helpers as the `send` CLI, a fresh key pair and secret per run,
 * and a fixed job mix (stated in results.json): 4 deliveries per job, 1 of them a new terminal event.
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ProviderName } from '../lambda/core/model';
import { contentorEnvelope, signContentorHeader, signPanjaya } from '../tools/lib/signing';

/** Trust material of one bench run. */
export interface BenchTrust {
  readonly panjayaPrivateKey: KeyObject;
  readonly panjayaPublicKey: KeyObject;
  readonly panjayaPublicKeyPem: string;
  readonly contentorSecret: string;
}

export function makeTrust(): BenchTrust {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    panjayaPrivateKey: pair.privateKey,
    panjayaPublicKey: pair.publicKey,
    panjayaPublicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    contentorSecret: `whsec-bench-${randomUUID()}`,
  };
}

/** How a delivery is signed: Panjaya ES256 (hex DER), Contentor header HMAC, or Contentor envelope (Python form). */
export type DeliveryStyle = 'panjaya' | 'contentor-header' | 'contentor-envelope';
export const deliveryStyles: readonly DeliveryStyle[] = ['panjaya', 'contentor-header', 'contentor-envelope'];

/** One HTTP delivery as a provider sends it. */
export interface Delivery {
  readonly provider: ProviderName;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** True for the delivery that carries a new terminal event (it notifies). */
  readonly terminal: boolean;
}

export function panjayaDelivery(trust: BenchTrust, assetId: string, versionId: string, event: string, terminal = false): Delivery {
  const body = JSON.stringify({ asset_id: assetId, version_id: versionId, version_locale: 'fr-FR', event });
  return { provider: 'panjaya', body, headers: { 'content-type': 'application/json', 'x-signature': signPanjaya(body, trust.panjayaPrivateKey) }, terminal };
}

export function contentorDelivery(
  trust: BenchTrust,
  uuid: string,
  status: string,
  timestamp: string,
  style: 'contentor-header' | 'contentor-envelope',
  terminal = false,
): Delivery {
  const data = { uuid, status, timestamp };
  if (style === 'contentor-envelope') {
    return { provider: 'contentor', body: contentorEnvelope(data, trust.contentorSecret), headers: { 'content-type': 'application/json' }, terminal };
  }
  const body = JSON.stringify(data);
  return {
    provider: 'contentor',
    body,
    headers: { 'content-type': 'application/json', 'x-webhook-signature': signContentorHeader(body, trust.contentorSecret) },
    terminal,
  };
}

/** Deliveries of one job in arrival order. */
export function jobDeliveries(trust: BenchTrust, style: DeliveryStyle, outcome: 'succeeded' | 'failed', startMs: number): Delivery[] {
  if (style === 'panjaya') {
    const asset = `asset-${randomUUID()}`;
    const last = outcome === 'succeeded' ? 'version_generated' : 'version_failed';
    const terminal = panjayaDelivery(trust, asset, 'v1', last, true);
    // Panjaya has two non-terminal events; the 4th delivery is a provider retry of the terminal one (a duplicate).
    return [
      panjayaDelivery(trust, asset, 'v1', 'version_generating'),
      panjayaDelivery(trust, asset, 'v1', 'version_ready'),
      terminal,
      { ...terminal, terminal: false },
    ];
  }
  const uuid = randomUUID();
  const at = (offset: number) => new Date(startMs + offset * 1000).toISOString();
  return [
    contentorDelivery(trust, uuid, 'downloading', at(0), style),
    contentorDelivery(trust, uuid, 'processing', at(1), style),
    contentorDelivery(trust, uuid, 'uploading', at(2), style),
    contentorDelivery(trust, uuid, outcome === 'succeeded' ? 'completed' : 'failed', at(3), style, true),
  ];
}

/** `jobs` jobs, styles in rotation (Panjaya, Contentor header, Contentor envelope), every 4th job failing. */
export function jobMix(trust: BenchTrust, jobs: number): Delivery[][] {
  const start = Date.now();
  return Array.from({ length: jobs }, (_, i) =>
    jobDeliveries(trust, deliveryStyles[i % deliveryStyles.length] ?? 'panjaya', i % 4 === 3 ? 'failed' : 'succeeded', start + i * 10_000),
  );
}

/** The delivery as the API Gateway HTTP API (payload v2) event the receiver gets. */
export function toApiEvent(delivery: Delivery): APIGatewayProxyEventV2 {
  const now = new Date();
  const path = `/webhooks/${delivery.provider}`;
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{provider}',
    rawPath: path,
    rawQueryString: '',
    headers: { ...delivery.headers },
    pathParameters: { provider: delivery.provider },
    isBase64Encoded: false,
    body: delivery.body,
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: randomUUID(),
      routeKey: 'POST /webhooks/{provider}',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
  };
}
