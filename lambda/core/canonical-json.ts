/**
 * The old path of the JSON parser and the canonical serialisation forms, now json/parse.ts and
 * json/canonical-forms.ts. Kept as a re-export only while providers/contentor.ts and the canonical-JSON tests still
 * import it from here; new code imports the two modules directly.
 */
export * from './json/parse';
export * from './json/canonical-forms';
