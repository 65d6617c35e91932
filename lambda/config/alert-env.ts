import * as z from 'zod/mini';
import '../core/zod-locale';
import { ALERT_DEFAULTS, envNames } from '../contracts';
import { AlertStatusesSchema, type AlertSettings } from '../core/alerts';

/** An integer from its environment-variable text, with the given bound checks. */
const coercedInt = (...checks: Parameters<ReturnType<typeof z.int>['check']>) => z.pipe(z.coerce.number(), z.int().check(...checks));

/**
 * The alerts path's part of a function's environment (the fan-out's and the watchdog's): the job-alerts topic and
 * its budget. Without JOB_ALERTS_TOPIC_ARN the function sends no alerts.
 */
export const alertEnvShape = {
  [envNames.jobAlertsTopicArn]: z.optional(z.string().check(z.minLength(1))),
  [envNames.alertStatuses]: z._default(AlertStatusesSchema, [...ALERT_DEFAULTS.statuses]),
  [envNames.alertsPerWindow]: z._default(coercedInt(z.nonnegative()), ALERT_DEFAULTS.perWindow),
  [envNames.alertWindowSeconds]: z._default(coercedInt(z.positive(), z.lte(86_400)), ALERT_DEFAULTS.windowMinutes * 60),
};

const AlertEnvSchema = z.object(alertEnvShape);

export function alertSettingsOf(config: z.infer<typeof AlertEnvSchema>): AlertSettings {
  return {
    statuses: new Set(config[envNames.alertStatuses]),
    perWindow: config[envNames.alertsPerWindow],
    windowSeconds: config[envNames.alertWindowSeconds],
  };
}
