/**
 * Stall deadlines: how long a job may sit in one non-terminal provider status with no newer event before the
 * watchdog calls it stalled. One schema for the CDK context (`stallDeadlines`), the watchdog's environment and the
 * local stack (`LOCAL_STALL_DEADLINES`), so the three cannot disagree. Pure: no clock, no I/O.
 */
import * as z from 'zod/mini';
import type { ProviderName } from '../model';
import { builtInRegistry, type ProviderRegistry } from '../providers';
import { eventTypeKey } from '../providers/provider';
import { issueLines } from '../../contracts';

export { eventTypeKey } from '../providers/provider';

/** Normalised statuses the watchdog may sweep: the non-terminal ones a provider event can put a job in. */
export const sweepableStatuses = ['in_progress', 'ready'] as const;
export type SweepableStatus = (typeof sweepableStatuses)[number];

const DURATION = /^(\d+(?:\.\d+)?)\s*(m|min|h|d)$/i;
const UNIT_MINUTES: Record<string, number> = { m: 1, min: 1, h: 60, d: 1440 };
const durationHelp = 'a duration such as "90m", "2h" or "2d", a number of minutes, or "off"';

/** `"2h"` → 120, `90` → 90, `"off"`/`null`/`false` → null (no deadline for that status). */
const DeadlineValueSchema = z.pipe(
  z.union([z.string(), z.number(), z.null(), z.literal(false)]),
  z.transform((value: string | number | null | false, ctx): number | null => {
    if (value === null || value === false) return null;
    if (typeof value === 'string' && value.trim().toLowerCase() === 'off') return null;
    const match = typeof value === 'string' ? DURATION.exec(value.trim()) : null;
    const minutes = typeof value === 'number' ? value : match ? Number(match[1]) * (UNIT_MINUTES[(match[2] ?? 'm').toLowerCase()] ?? 1) : Number.NaN;
    if (!Number.isFinite(minutes) || minutes < 1 || !Number.isInteger(minutes)) {
      // zod/mini hands a transform the raw parse payload (no addIssue helper).
      ctx.issues.push({ code: 'custom', input: value, message: `${JSON.stringify(value)} is not ${durationHelp} (whole minutes, at least 1)` });
      return z.NEVER;
    }
    return minutes;
  }),
);

/** One provider's deadlines, keyed by the provider's own status/event name. */
const ProviderDeadlinesSchema = z.record(z.string(), DeadlineValueSchema);

/** Accepts resolved rules (a parsed configuration handed on, e.g. bin/app.ts -> the construct) and JSON text. */
const toDeadlineObject = z.transform((value: unknown) => {
  const resolved = z.array(DeadlineRuleSchema).safeParse(value);
  if (resolved.success) return rulesToObject(resolved.data);
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
});

const deadlinesExample = `{"contentor":{"processing":"2h"},"panjaya":{"version_ready":"off"}}`;
const DeadlinesByProviderSchema = z.record(z.string(), ProviderDeadlinesSchema, {
  error: `stallDeadlines must be a JSON object by provider, e.g. ${deadlinesExample}`,
});

/** Only providers that exist, and only their waiting statuses (the module's own mapping decides which those are). */
const onlyWaitingStatuses = (providers: ProviderRegistry) =>
  z.superRefine((value: z.output<typeof DeadlinesByProviderSchema>, ctx) => {
    for (const [provider, entries] of Object.entries(value)) {
      const module = providers.get(provider);
      if (module === undefined) {
        ctx.addIssue({ code: 'custom', path: [provider], message: `"${provider}" is not a provider here (known: ${providers.names.join(', ')})` });
        continue;
      }
      const waiting = module.knownEventTypes.filter((eventType) => isSweepable(module.statusOf(eventType)));
      for (const eventType of Object.keys(entries)) {
        const status = module.statusOf(eventType);
        if (!isSweepable(status)) {
          ctx.addIssue({
            code: 'custom',
            path: [provider, eventType],
            message: `${provider} "${eventType}" is ${status === 'unknown' ? 'not a status this receiver knows' : `${status}, not a waiting status`}; deadlines apply to ${waiting.join(', ') || 'none of its statuses'}`,
          });
        }
      }
    }
  });

const isSweepable = (status: string): status is SweepableStatus => (sweepableStatuses as readonly string[]).includes(status);

/**
 * `{"contentor": {"processing": "2h"}, "panjaya": {"version_ready": "off"}}`, merged over each provider's defaults:
 * name only what you change. A JSON string of that object is accepted too (`-c stallDeadlines='…'`, environment).
 */
export function stallDeadlinesSchema(providers: ProviderRegistry = builtInRegistry) {
  return z.pipe(
    z.pipe(toDeadlineObject, DeadlinesByProviderSchema).check(onlyWaitingStatuses(providers)),
    z.transform((value: z.output<typeof DeadlinesByProviderSchema>) => resolveDeadlines(value, providers)),
  );
}

/** One resolved deadline: jobs whose state is `eventType` of `provider` stall after `minutes` without news. */
export interface DeadlineRule {
  readonly provider: ProviderName;
  /** The provider's status/event name, in {@link eventTypeKey} form. */
  readonly eventType: string;
  /** The normalised status that event type maps to (which byStatus partition to sweep). */
  readonly status: SweepableStatus;
  readonly minutes: number;
}

const DeadlineRuleSchema = z.object({ provider: z.string(), eventType: z.string(), status: z.enum(sweepableStatuses), minutes: z.number() });

/** What the configuration accepts: an object by provider, its JSON text, or rules resolved before. */
export type StallDeadlinesInput = string | Readonly<Record<ProviderName, Readonly<Record<string, string | number | null | false>>>> | StallDeadlines;

/** Deadlines after merging the configuration over the defaults; disabled entries are gone. */
export type StallDeadlines = readonly DeadlineRule[];

function resolveDeadlines(overrides: Readonly<Record<string, Record<string, number | null>>>, providers: ProviderRegistry): StallDeadlines {
  const rules: DeadlineRule[] = [];
  for (const module of providers.modules) {
    const merged = new Map<string, number | null>(Object.entries(module.defaultStallDeadlines));
    for (const [eventType, minutes] of Object.entries(Object.hasOwn(overrides, module.name) ? (overrides[module.name] ?? {}) : {}))
      merged.set(eventTypeKey(eventType), minutes);
    for (const [eventType, minutes] of merged) {
      const status = module.statusOf(eventType);
      if (minutes !== null && isSweepable(status)) rules.push({ provider: module.name, eventType, status, minutes });
    }
  }
  return rules;
}

/** Thrown by {@link parseStallDeadlines}; the message names each bad entry and what would be accepted. */
export class StallDeadlinesError extends Error {
  override readonly name = 'StallDeadlinesError';
}

/** Validates and resolves a deadline configuration (object or JSON text; undefined = the defaults). */
export function parseStallDeadlines(input: unknown, source = 'stallDeadlines', providers: ProviderRegistry = builtInRegistry): StallDeadlines {
  const result = stallDeadlinesSchema(providers).safeParse(input ?? {});
  if (result.success) return result.data;
  const lines = issueLines(result.error.issues, source);
  throw new StallDeadlinesError(lines.join('; '));
}

/** The resolved rules as the compact JSON the watchdog function gets in its environment (minutes per status). */
export function serialiseStallDeadlines(rules: StallDeadlines, providers: ProviderRegistry = builtInRegistry): string {
  return JSON.stringify(rulesToObject(rules, providers));
}

/** Rules back in configuration form; defaults that were switched off are spelled out as null so they stay off. */
function rulesToObject(rules: StallDeadlines, providers: ProviderRegistry = builtInRegistry): Record<ProviderName, Record<string, number | null>> {
  const out: Record<ProviderName, Record<string, number | null>> = {};
  const entryOf = (provider: string): Record<string, number | null> => {
    out[provider] ??= {};
    return out[provider];
  };
  for (const rule of rules) entryOf(rule.provider)[rule.eventType] = rule.minutes;
  for (const module of providers.modules) {
    for (const eventType of Object.keys(module.defaultStallDeadlines)) {
      const entry = entryOf(module.name);
      if (!Object.hasOwn(entry, eventType)) entry[eventType] = null;
    }
  }
  return out;
}

/** `120` → "2 h", `90` → "1 h 30 min", `2880` → "48 h", `45` → "45 min": how notifications and logs say it. */
export function formatMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
