/**
 * The pages that act: the quarantine (replay) and notifications (re-drive). Each action is a dry run first and an
 * execute on confirmation, both POST (origin checked by the server, CSRF token by the server, the execute's plan
 * token here), and both run the CLI's own code: `runReplay` (tools/lib/replay-run.ts) against the replay target,
 * `runRedrive` (tools/lib/redrive-run.ts) against the re-drive target. The execute runs exactly the ids its dry run
 * listed: the plan token binds them.
 */
import { parseSince, UsageError } from '../lib/cli';
import { runRedrive } from '../lib/redrive-run';
import { listQuarantinedItems, quarantineView, runReplay } from '../lib/replay-run';
import { decodeCursor, encodeCursor } from './list-reads';
import { quarantineSince } from './overview-reads';
import { notificationsPage, redrivePlan, redriveReportPage } from './pages/notifications';
import { quarantinePage, replayPlan, replayReportPage } from './pages/quarantine';
import { BadRequest, type Handler, optional, page } from './requests';
import { sameSecret } from './security';
import type { ConsoleSources } from './sources';

/** Rows per quarantine page and per notifications page. */
export const ACTION_PAGE = 100;
/** How long a pending (not parked) event is left to the live fan-out before a re-drive takes it: the CLI's default. */
export const REDRIVE_WAIT_MINUTES = 5;

/** The ids a form names: the one row's button (`only`), else the ticked boxes. */
function chosenIds(form: URLSearchParams): string[] {
  const only = form.get('only');
  return only ? [only] : form.getAll('id').filter((id) => id !== '');
}

/** The ids of an execute form, checked against the plan token its dry run issued. */
function plannedIds(form: URLSearchParams, planToken: (what: string) => string, plan: (ids: readonly string[]) => string): string[] {
  const ids = form.getAll('id');
  if (ids.length === 0 || !sameSecret(form.get('plan') ?? undefined, planToken(plan(ids)))) {
    throw new BadRequest('this confirmation does not match a dry run shown in this session: run the dry run again');
  }
  return ids;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function quarantineRoutes(sources: ConsoleSources): { get: Record<string, Handler>; post: Record<string, Handler> } {
  const names = sources.providers.names;
  const replayTarget = () => {
    try {
      return sources.replayTarget();
    } catch (error) {
      throw new BadRequest(`replay needs the keys and secrets in force now: ${errorText(error)}`);
    }
  };
  const everything = (now: Date) => ({ providers: names, sinceIso: quarantineSince(sources.quarantine.retentionDays, now) });
  return {
    get: {
      '/quarantine': async ({ url, context }) => {
        const provider = optional(url, 'provider');
        if (provider !== undefined && !names.includes(provider)) throw new BadRequest(`unknown provider "${provider}"`);
        const since = optional(url, 'since');
        let sinceIso = everything(context.now).sinceIso;
        try {
          if (since !== undefined) sinceIso = parseSince(since, context.now);
        } catch (error) {
          throw new BadRequest(error instanceof UsageError ? error.message : errorText(error));
        }
        const reason = optional(url, 'reason');
        const { items, unreadable } = await listQuarantinedItems(
          sources.quarantine.quarantine,
          { providers: provider === undefined ? names : [provider], sinceIso, reason },
          context.now,
        );
        const offset = Math.max(0, Number.parseInt(optional(url, 'offset') ?? '0', 10) || 0);
        let replayProblem: string | undefined;
        try {
          sources.replayTarget();
        } catch (error) {
          replayProblem = errorText(error);
        }
        return page(
          quarantinePage(
            {
              providers: names,
              provider,
              reason,
              since,
              sinceIso,
              rows: items.slice(offset, offset + ACTION_PAGE).map((item) => ({ ...quarantineView(item), headerValues: item.headers })),
              offset,
              pageSize: ACTION_PAGE,
              total: items.length,
              unreadable: unreadable.length,
              replayProblem,
            },
            context,
          ),
        );
      },
    },
    post: {
      '/quarantine/dry-run': async ({ form, context }) => {
        const ids = chosenIds(form ?? new URLSearchParams());
        if (ids.length === 0) throw new BadRequest('select at least one delivery to replay');
        const target = replayTarget();
        const report = await runReplay({ ...everything(context.now), deliveryIds: ids }, false, {
          quarantine: target.quarantine,
          ingestDeps: target.ingestDeps,
          dryRunStore: target.dryRunStore,
        });
        return page(replayReportPage(report, context));
      },
      '/quarantine/replay': async ({ form, context }) => {
        const ids = plannedIds(form ?? new URLSearchParams(), context.planToken, replayPlan);
        const target = replayTarget();
        const report = await runReplay({ ...everything(context.now), deliveryIds: ids }, true, {
          quarantine: target.quarantine,
          ingestDeps: target.ingestDeps,
          dryRunStore: target.dryRunStore,
        });
        return page(replayReportPage(report, context));
      },
    },
  };
}

export function notificationRoutes(sources: ConsoleSources): { get: Record<string, Handler>; post: Record<string, Handler> } {
  const redriveTarget = () => {
    try {
      return sources.redriveTarget();
    } catch (error) {
      throw new BadRequest(`re-drive cannot reach the stack: ${errorText(error)}`);
    }
  };
  const options = { olderThanMs: REDRIVE_WAIT_MINUTES * 60_000, parkedOfAnyAge: true } as const;
  return {
    get: {
      '/notifications': async ({ url, context }) => {
        const after = decodeCursor(optional(url, 'after'));
        const [found, deadLetters] = await Promise.all([
          sources.queries.pendingPage(context.now.toISOString(), { limit: ACTION_PAGE, startAfter: after }),
          sources.deadLetterDepth(),
        ]);
        return page(
          notificationsPage(
            {
              items: found.items,
              invalid: found.invalid.length,
              nextCursor: found.next ? encodeCursor(found.next) : undefined,
              paged: after !== undefined,
              deadLetters,
              waitMinutes: REDRIVE_WAIT_MINUTES,
            },
            context,
          ),
        );
      },
    },
    post: {
      '/notifications/dry-run': async ({ form, context }) => {
        const f = form ?? new URLSearchParams();
        const selection = f.get('only') !== null || f.get('selected') !== null;
        const ids = selection ? chosenIds(f) : undefined;
        if (ids !== undefined && ids.length === 0) throw new BadRequest('select at least one notification to re-drive');
        const target = redriveTarget();
        const report = await runRedrive({ ...options, execute: false, eventIds: ids, dlqUrl: target.dlqUrl }, { ...target.deps, now: () => context.now });
        return page(redriveReportPage(report, context, REDRIVE_WAIT_MINUTES));
      },
      '/notifications/redrive': async ({ form, context }) => {
        const ids = plannedIds(form ?? new URLSearchParams(), context.planToken, redrivePlan);
        const target = redriveTarget();
        const report = await runRedrive({ ...options, execute: true, eventIds: ids }, { ...target.deps, now: () => context.now });
        return page(redriveReportPage(report, context, REDRIVE_WAIT_MINUTES));
      },
    },
  };
}
