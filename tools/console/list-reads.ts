/**
 * The console's lists, a page at a time, through the jobs CLI's queries: jobs that entered a status in a time range
 * (the byStatus index, newest first; a provider filter is applied to the index keys, so the states read back are only
 * the ones shown), and where the next page starts, as an opaque cursor for the URL.
 */
import type { IndexKey, StatusIndexEntry } from '../../lambda/adapters/dynamo-job-queries';
import type { StateItem } from '../../lambda/core/items';
import type { ConsoleSources } from './sources';

/** Jobs per page. */
export const LIST_PAGE = 50;
/** Index entries examined for one filtered page at most; past it the page ends early and "next" goes on from there. */
export const EXAMINE_BUDGET = 5000;

/** What a list page asks for. */
export interface StatusListRequest {
  readonly status: string;
  readonly sinceIso: string;
  readonly untilIso?: string;
  readonly provider?: string;
  readonly after?: IndexKey;
  readonly pageSize?: number;
}

export interface StatusListPage {
  readonly states: readonly StateItem[];
  /** Entries on this page whose state has left the status since the index was read (not shown). */
  readonly moved: number;
  readonly next?: IndexKey;
}

/** One page of jobs that entered `status` in the range, newest first, filtered by provider when asked. */
export async function readStatusList(sources: ConsoleSources, request: StatusListRequest): Promise<StatusListPage> {
  const pageSize = request.pageSize ?? LIST_PAGE;
  const chosen: StatusIndexEntry[] = [];
  let startAfter = request.after;
  let examined = 0;
  let next: IndexKey | undefined;
  for (;;) {
    const page = await sources.queries.statusIndexPage(
      request.status,
      { sinceIso: request.sinceIso, untilIso: request.untilIso },
      { limit: request.provider === undefined ? pageSize - chosen.length : Math.min(500, EXAMINE_BUDGET - examined), startAfter },
    );
    let stoppedAt: StatusIndexEntry | undefined;
    for (const entry of page.items) {
      examined++;
      if (request.provider === undefined || entry.provider === request.provider) chosen.push(entry);
      if (chosen.length === pageSize) {
        stoppedAt = entry;
        break;
      }
    }
    if (stoppedAt !== undefined) {
      // Full: the next page starts after the last entry taken (there may be none; then it is simply empty).
      next = stoppedAt === page.items[page.items.length - 1] ? page.next : stoppedAt.indexKey;
      break;
    }
    if (page.next === undefined) break;
    if (examined >= EXAMINE_BUDGET) {
      next = page.next;
      break;
    }
    startAfter = page.next;
  }
  const { states } = await sources.queries.statesOf(request.status, chosen);
  return { states, moved: chosen.length - states.length, ...(next ? { next } : {}) };
}

/** A page cursor for the URL: the index key, base64url of its JSON. */
export function encodeCursor(key: IndexKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** A cursor from the URL, or undefined when it is not one we could have made (then the list starts at the top). */
export function decodeCursor(text: string | null | undefined): IndexKey | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 || entries.length > 8) return undefined;
    if (!entries.every(([, v]) => typeof v === 'string' && v.length <= 2048)) return undefined;
    return value as IndexKey;
  } catch {
    return undefined;
  }
}
