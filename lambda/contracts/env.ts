/**
 * Names of the functions' environment variables: the CDK construct sets them, handlers read them (once, at cold
 * start), the local stack sets them for its in-process handlers. One place, so they cannot drift.
 */
export const envNames = {
  tableName: 'TABLE_NAME',
  // A built-in provider's own trust variables (PANJAYA_PUBLIC_KEYS, CONTENTOR_WEBHOOK_SECRETS) are named by its
  // module (lambda/core/providers, `trust`), not here.
  secretCacheTtlSeconds: 'SECRET_CACHE_TTL_SECONDS',
  eventRetentionDays: 'EVENT_RETENTION_DAYS',
  /**
   * Seconds within which an identical body is a provider retry, for every provider whose events carry no id
   * (Panjaya, configured providers without an event id; lambda/core/write-plan.ts).
   */
  retryWindowSeconds: 'RETRY_WINDOW_SECONDS',
  /** The retry window's first, documented name: still accepted (RETRY_WINDOW_SECONDS wins when both are set). */
  retryWindowSecondsAlias: 'PANJAYA_RETRY_WINDOW_SECONDS',
  maxBodyBytes: 'MAX_BODY_BYTES',
  /** Receiver: days a refused (401/400) delivery stays in the quarantine (lambda/core/quarantine.ts). */
  quarantineRetentionDays: 'QUARANTINE_RETENTION_DAYS',
  /** Receiver: refused deliveries kept per provider route and hour; past it they are only counted. */
  quarantineHourlyCap: 'QUARANTINE_HOURLY_CAP',
  succeededTopicArn: 'SUCCEEDED_TOPIC_ARN',
  failedTopicArn: 'FAILED_TOPIC_ARN',
  /** The job-alerts topic (people: e-mail, Slack, Teams): fan-out alerts and the digests (fan-out and watchdog). */
  jobAlertsTopicArn: 'JOB_ALERTS_TOPIC_ARN',
  /** Comma-separated normalised statuses that alert people (default `failed,stalled`; lambda/core/alerts). */
  alertStatuses: 'ALERT_STATUSES',
  /** Individual alerts per window before the rest of the window goes into one digest (default 10). */
  alertsPerWindow: 'ALERTS_PER_WINDOW',
  /** Length of an alert window in seconds (deploy context `alertWindowMinutes` × 60; default 600). */
  alertWindowSeconds: 'ALERT_WINDOW_SECONDS',
  /** Shown in notifications as the way to look a job up, e.g. "npm run jobs -- get". */
  jobsCommandHint: 'JOBS_COMMAND_HINT',
  /** Watchdog: resolved stall deadlines, JSON `{provider: {providerStatus: minutes | null}}` (lambda/core/watchdog). */
  stallDeadlines: 'STALL_DEADLINES',
  /** Configured providers: the deploy context `providers` / local `LOCAL_PROVIDERS` JSON (providers/configured). */
  providers: 'PROVIDERS',
  /** AWS: JSON object from provider name (built-in or configured) to the ARN of its Secrets Manager secret. */
  providerSecretArns: 'PROVIDER_SECRET_ARNS',
  /** Local stack only: JSON object from provider name to its secrets (`LOCAL_PROVIDER_SECRETS`, the built-ins' development secrets). */
  providerSecrets: 'PROVIDER_SECRETS',
  /** Custom endpoints, set only by the local stack and tests. */
  dynamoDbEndpoint: 'DYNAMODB_ENDPOINT',
  snsEndpoint: 'SNS_ENDPOINT',
} as const;

/** Metrics namespace used by the functions and by the alarms/dashboard. */
export const metricsNamespace = 'JobWebhookReceiver';
/** Metric names emitted by the functions (the dashboard and alarms refer to these). */
export const metricNames = {
  received: 'WebhookReceived',
  accepted: 'WebhookAccepted',
  duplicate: 'WebhookDuplicate',
  rejected: 'WebhookRejected',
  unknownEvent: 'UnknownEventType',
  /** Receiver: a refused delivery kept for replay (dimension `reason`). */
  quarantined: 'DeliveryQuarantined',
  /** Receiver: a refused delivery only counted, past the hourly cap or identical to one already kept. */
  quarantineSkipped: 'QuarantineSkipped',
  /** Receiver: keeping a refused delivery failed (the provider's answer is unchanged). */
  quarantineFailed: 'QuarantineFailed',
  notified: 'NotificationPublished',
  notifyFailed: 'NotificationFailed',
  /** Fan-out: a terminal event that can never become a message, marked undeliverable (re-drive finds it). */
  notifyParked: 'NotificationParked',
  /** Fan-out: an individual alert published on the job-alerts topic. */
  alertPublished: 'AlertPublished',
  /** Fan-out: an alert-worthy event past the window's individual budget, left for the window's digest. */
  alertDigested: 'AlertDigested',
  /** Fan-out and watchdog: one digest published for a closed window. */
  digestPublished: 'AlertDigestPublished',
  /** Fan-out and watchdog: an alert or digest step failed (the systems message is unaffected; alarmed). */
  alertFailed: 'AlertFailed',
  /** Watchdog: one per job marked stalled. */
  stalled: 'JobStalled',
  /** Watchdog: one per stall write that failed (the sweep then fails, which the alarm watches). */
  stallWriteFailed: 'StallWriteFailed',
} as const;

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
/** Days an event item lives (its TTL): deploy context `eventRetentionDays`, the receiver's and watchdog's default. */
export const DEFAULT_EVENT_RETENTION_DAYS = 90;
/** Seconds a function keeps a secret it read from Secrets Manager: deploy context `secretCacheTtlSeconds`. */
export const DEFAULT_SECRET_CACHE_TTL_SECONDS = 60;
/**
 * The largest body limit that can be configured: an event item holds the body beside its scalars (ids bounded to
 * 256 bytes each, excerpts to 500 characters) and a quarantine item beside its kept headers (4 KB each at most), and
 * DynamoDB refuses items over 400 KB. 360,000 bytes leaves about 49 KB for all the rest.
 */
export const MAX_STORABLE_BODY_BYTES = 360_000;

/** Defaults of the alerts path (docs/ARCHITECTURE.md "Alerts for people"): one place for the stack, functions and local stack. */
export const ALERT_DEFAULTS = {
  statuses: ['failed', 'stalled'] as const,
  perWindow: 10,
  windowMinutes: 10,
  /**
   * SNS deactivates an e-mail subscription above 10 messages a second and Slack takes about one a second per channel:
   * the alerts topic never carries more than 5 a second, whatever the burst.
   */
  maxPerSecond: 5,
} as const;

/**
 * How notifications and digests tell a reader to look jobs up (`JOBS_COMMAND_HINT`): locally the CLIs find the stack
 * themselves; against a deployed stack they need its outputs file (the construct's default, `jobsCommandHint` prop).
 */
export const JOBS_COMMAND_HINTS = {
  local: 'npm run --silent jobs -- get',
  deployed: 'npm run --silent jobs -- --outputs outputs.json get',
} as const;
