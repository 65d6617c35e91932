/** The stalled-job watchdog's pure part: deadline configuration, stall judgement and the sweep (see each file). */
export * from './deadlines';
export * from './stall';
export * from './sweep';
