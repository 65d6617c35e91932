/** A job's state item as the event store writes it, for the watchdog's tests: a Contentor job processing since 07:00. */
import { keys } from '../../lambda/contracts';
import type { StateItem } from '../../lambda/core/items';

export const exampleJobId = '3f2a9c1e-7d7e-4c55-9a3b-5d0c2f1e9b10';

export function stateItem(overrides: Partial<StateItem> = {}): StateItem {
  const provider = overrides.provider ?? 'contentor';
  const jobId = overrides.jobId ?? exampleJobId;
  const partitionId = overrides.partitionId ?? jobId;
  const updatedAt = overrides.updatedAt ?? '2026-11-23T07:00:00.000Z';
  const status = overrides.status ?? 'in_progress';
  return {
    pk: keys.partition(provider, partitionId),
    sk: keys.state(jobId),
    itemType: 'state',
    provider,
    jobId,
    partitionId,
    status,
    eventType: 'processing',
    eventId: 'e'.repeat(32),
    occurredAt: '2026-11-23T06:59:58.000Z',
    receivedAt: updatedAt,
    updatedAt,
    orderKey: `2026-11-23T06:59:58.000Z#02#${'e'.repeat(32)}`,
    seq: 2,
    lastContentHash: 'h',
    gsi1pk: keys.status(status),
    gsi1sk: keys.statusSort(updatedAt, provider, jobId),
    ...overrides,
  };
}
