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
