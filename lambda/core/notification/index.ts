/** Notification building: pure functions from an event item to the SNS message (see build.ts). */
export {
  buildNotification,
  buildSubject,
  buildEmailText,
  buildChatbotNotification,
  notificationDocumentText,
  notificationFields,
  lookupCommand,
  NotNotifiableError,
  SUBJECT_MAX,
  SNS_MESSAGE_MAX_BYTES,
  chatbotLimits,
} from './build';
export type { BuildOptions, ChatbotNotification } from './build';
export { payloadTextOf, UndeliverableError } from './payload';
export { plainText, asciiText, slackCode, shellWord, truncate } from './text';
export { buildAlertNotification, snsPublishBytes, MACHINE_PROTOCOLS } from './build';
export {
  buildDigestNotification,
  buildDigestDocument,
  buildDigestEmailText,
  buildDigestSubject,
  buildDigestChatbotNotification,
  listCommandFor,
  jobsCommandBase,
  DIGEST_JOBS_MAX,
} from './digest';
export type { DigestDocument, DigestJob } from './digest';
