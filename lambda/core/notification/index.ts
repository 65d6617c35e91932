/** Notification building: pure functions from an event item to the SNS message (see build.ts). */
export { buildNotification, buildSubject, buildEmailText, buildChatbotNotification, notificationDocument, lookupCommand, NotNotifiableError, SUBJECT_MAX, SNS_MESSAGE_MAX_BYTES, chatbotLimits } from './build';
export type { BuildOptions, ChatbotNotification } from './build';
export { plainText, asciiText, slackCode, shellWord, truncate } from './text';
