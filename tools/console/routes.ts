/**
 * The console's pages by method and path: each handler reads its parameters, asks the reads (or the CLIs' actions)
 * and hands a page to the server. GET never changes anything; every state change is a POST (the server has checked
 * its origin, the handler checks its CSRF token).
 */
import { normalisedStatuses } from '../../lambda/core/model';
import { parseSince, UsageError } from '../lib/cli';
import { findJobs, MAX_FIND_CHARS } from './find-reads';
import { decodeCursor, encodeCursor, LIST_PAGE, readStatusList } from './list-reads';
import { readOverdue, readOverview } from './overview-reads';
import { jobHref } from './pages/common';
import { BadRequest, type Handler, optional, page, required } from './requests';
import { findPage } from './pages/find';
import { jobPage } from './pages/job';
import { overdueListPage, statusListPage } from './pages/lists';
import { overviewPage } from './pages/overview';
import { periodOf } from './periods';
import type { ConsoleSources } from './sources';
import { timelineOf } from './timeline';

function providerParam(sources: ConsoleSources, url: URL): string | undefined {
  const provider = optional(url, 'provider');
  if (provider !== undefined && !sources.providers.names.includes(provider))
    throw new BadRequest(`unknown provider "${provider}": one of ${sources.providers.names.join(', ')}`);
  return provider;
}

function sinceParam(value: string, now: Date): string {
  try {
    return parseSince(value, now);
  } catch (error) {
    throw new BadRequest(error instanceof UsageError ? error.message : String(error));
  }
}

/** The GET pages. */
export function getRoutes(sources: ConsoleSources): Readonly<Record<string, Handler>> {
  return {
    '/': async ({ url, context }) =>
      page(overviewPage(await readOverview(sources, periodOf(url.searchParams.get('period')), context.now), sources.providers.names, context)),

    '/job': async ({ url, context }) => {
      const provider = required(url, 'provider');
      const jobId = required(url, 'job');
      const partitionId = optional(url, 'partition') ?? jobId;
      const module = sources.providers.get(provider);
      const [state, history, siblings] = await Promise.all([
        sources.queries.getJob(provider, partitionId, jobId),
        sources.queries.history(provider, partitionId, jobId),
        sources.queries.listPartition(provider, partitionId),
      ]);
      // Only events that notify can have gone to people: one lookup of the alerts path's mark each.
      const decided = await Promise.all(
        history
          .filter((event) => event.notifyTopic !== undefined)
          .map(async (event) => [event.eventId, await sources.alerts.decisionOf(event.eventId)] as const),
      );
      const alerts = new Map(decided.flatMap(([eventId, decision]) => (decision ? [[eventId, decision] as const] : [])));
      return page(jobPage({ module, provider, partitionId, jobId, state, timeline: timelineOf(history, state?.eventId), siblings, alerts }, context));
    },

    '/jobs': async ({ url, context }) => {
      const status = required(url, 'status');
      const provider = providerParam(sources, url);
      if (status === 'overdue') {
        const { jobs, capped } = await readOverdue(sources, context.now);
        const offset = Math.max(0, Number.parseInt(optional(url, 'offset') ?? '0', 10) || 0);
        const mine = provider === undefined ? jobs : jobs.filter((job) => job.state.provider === provider);
        return page(overdueListPage({ jobs: mine, provider, offset, pageSize: LIST_PAGE, capped }, context));
      }
      if (!(normalisedStatuses as readonly string[]).includes(status))
        throw new BadRequest(`unknown status "${status}": one of ${[...normalisedStatuses, 'overdue'].join(', ')}`);
      const since = optional(url, 'since') ?? '24h';
      const sinceIso = sinceParam(since, context.now);
      const until = optional(url, 'until');
      const untilIso = until === undefined ? undefined : sinceParam(until, context.now);
      const after = decodeCursor(optional(url, 'after'));
      const list = await readStatusList(sources, { status, sinceIso, untilIso, provider, after });
      return page(
        statusListPage(
          {
            status,
            provider,
            since,
            sinceIso,
            until: untilIso,
            states: list.states,
            moved: list.moved,
            nextCursor: list.next ? encodeCursor(list.next) : undefined,
            paged: after !== undefined,
          },
          context,
        ),
      );
    },

    '/find': async ({ url }) => {
      const providers = sources.providers.names;
      const id = optional(url, 'id');
      if (id === undefined) return page(findPage({ providers }));
      const provider = optional(url, 'provider');
      if (id.length > MAX_FIND_CHARS) return page(findPage({ providers, problem: `an id is at most ${MAX_FIND_CHARS} characters` }));
      if (provider !== undefined && !providers.includes(provider)) return page(findPage({ providers, id, problem: `unknown provider "${provider}"` }));
      const found = await findJobs(sources, id, provider);
      const only = found.length === 1 ? found[0] : undefined;
      return only ? { kind: 'redirect', location: jobHref(only) } : page(findPage({ providers, id, provider, found }));
    },
  };
}
