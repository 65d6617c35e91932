/** Text-in, text-out forms of the canonical serialiser, for the golden-vector and CPython tests. */
import { parseJson } from '../../lambda/core/json/parse';
import { serialiseAs } from '../../lambda/core/json/canonical-forms';

/** Byte-for-byte CPython `json.dumps(json.loads(rawJsonText), sort_keys=True)`. Throws CanonicalJsonError. */
export const pythonJsonDumps = (rawJsonText: string): string => serialiseAs(parseJson(rawJsonText), 'python');

/** `json.dumps(json.loads(text), sort_keys=True, separators=(',', ':'))`. */
export const compactSortedJson = (rawJsonText: string): string => serialiseAs(parseJson(rawJsonText), 'python-compact');
