#!/usr/bin/env python3
"""Golden vectors for lambda/core/json/canonical-forms.ts, produced by CPython itself.

Prints a JSON array of {"input": <raw JSON text>, "expected": json.dumps(json.loads(input), sort_keys=True)}.
Regenerate with `npm run golden-vectors`; the unit test also runs this script live when python3 is installed.
"""
import json
import random
import struct
import sys

INPUTS = [
    # Contentor's documented example payload, as a sender would put it in an envelope.
    '{"uuid": "a1b2c3d4-e5f6-7890-abcd-1234567890ab", "status": "processing", "timestamp": "2025-04-09T15:30:45Z"}',
    '{"timestamp":"2025-04-09T15:30:45Z","uuid":"a1b2c3d4-e5f6-7890-abcd-1234567890ab","status":"completed"}',
    # Scalars and empty containers.
    '{}', '[]', '""', 'null', 'true', 'false', '{"a": {}, "b": [], "c": [{}], "d": [[]]}',
    # Whitespace Python accepts around every token.
    ' \t\r\n{ "b" : 1 ,\n "a" : [ 1 , 2 ] } \n',
    # Recursive key sort, including inside arrays.
    '{"z": {"y": 1, "x": {"w": 2, "v": 3}}, "a": [{"d": 1, "c": 2}, {"b": {"z": 0, "a": 0}}]}',
    # Duplicate keys: the last value wins.
    '{"a": 1, "b": 2, "a": 3}', '{"k": {"x": 1}, "k": {"y": 2}}',
    # Key order by code point, not UTF-16 units: astral vs U+E000..U+FFFF; upper before lower; prefixes.
    '{"\\ud83d\\ude00": 1, "\\uffff": 2, "\\ue000": 3, "a": 4, "B": 5, "ab": 6, "": 7, "a\\u0000": 8}',
    '{"\u00e9": 1, "e": 2, "\u0434": 3, "\U0001f600": 4, "\uff21": 5}',
    # Lone surrogates survive as escapes; escaped pairs combine.
    '["\\ud800", "\\udfff", "\\ud83d\\ude00", "\\ud83dx", "\\udc00\\ud800"]', '{"\\ud800": 1, "\\ue000": 2}',
    # String escapes: ensure_ascii, lower-case hex, control characters, DEL, slash not escaped.
    '"\\"\\\\\\/\\b\\f\\n\\r\\t"', '"\\u0000\\u0001\\u001f\\u007f\\u0080\\u00ff"', '"caf\u00e9 \u65e5\u672c \U0001f680 \u2028\u2029"',
    '"\\u00E9\\u00e9\\uABCD"', '"a/b</script>"', '"\ufeff"', '"\\u0020~"',
    # Integers are exact at any length; -0 is the integer 0.
    '[0, -0, 1, -1, 9007199254740993, -9007199254740993, 123456789012345678901234567890, 18446744073709551616]',
    '{"big": -99999999999999999999999999999999999999999999}',
    # Floats as repr(float): shortest round trip, exponent outside 1e-4 <= |x| < 1e16.
    '[1.0, -1.0, 0.0, -0.0, 0.5, 1.5, 100.0, 0.1, 0.2, 0.30000000000000004, 3.141592653589793]',
    '[1e16, 1E16, 1e15, 9999999999999998.0, 1e+16, 1.5e300, 1e308, 1.7976931348623157e308, 1e22, 1e21, 123456789.123]',
    '[0.0001, 0.00001, 1e-5, 1e-4, 0.00012345, 1.2345e-7, 5e-324, 2.2250738585072014e-308, 1e-400, -1e-400]',
    '[1e400, -1e400, 1.0e0, 10e-1, 0e0, -0e0, 0.0e10, 123e0, 1e1, 1.5E+2, 2.5e-3]',
    '[1.00000000000000011, 0.1e1, 12345678901234567890.0, 1e17, 4.35, 2.675, 1e-7, 100000000000000000000.5]',
    # Python-only literals.
    '[NaN, Infinity, -Infinity]',
    # Nesting and mixed content.
    '{"data": {"uuid": "x", "meta": {"tags": ["a", "b"], "size": 1024, "ratio": 0.75, "ok": true, "none": null}}}',
    '[[[[[[[[[[{"deep": [1, [2, [3, {"b": 1, "a": 2}]]]}]]]]]]]]]]',
    '{"list": [3, 1, 2], "str": "v", "num": -12.5e-3, "obj": {"\u00fc": "\u00dc", "u": "U"}}',
]


def random_inputs(count: int) -> list:
    """Seeded random inputs for the live check only (`--random N`): doubles from raw bits, decimal lexemes, strings."""
    rng = random.Random(20250409)
    out = []
    for _ in range(count):
        bits = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        lexeme = "%s%d.%de%+d" % (rng.choice(["", "-"]), rng.randrange(10 ** rng.randrange(1, 18)),
                                  rng.randrange(10 ** 6), rng.choice([rng.randrange(-330, 330), rng.randrange(-24, 24)]))
        chars = "".join(chr(rng.choice([rng.randrange(0x20, 0x7f), rng.randrange(0, 0x20), rng.randrange(0x80, 0x800),
                                         rng.randrange(0xd800, 0xe000), rng.randrange(0xe000, 0x10000),
                                         rng.randrange(0x10000, 0x110000)])) for _ in range(rng.randrange(0, 6)))
        key = "".join(chr(rng.choice([0x61, 0xe9, 0xe000, 0xffff, 0x1f600, 0xd800])) for _ in range(rng.randrange(0, 3)))
        number = repr(bits) if bits == bits and abs(bits) != float("inf") else "0"
        out.append('{%s: %s, "s": %s, "x": %s}' % (json.dumps(key), number, json.dumps(chars), lexeme))
    return out


def main() -> None:
    inputs = INPUTS
    if len(sys.argv) == 3 and sys.argv[1] == "--random":
        inputs = random_inputs(int(sys.argv[2]))
    vectors = [{"input": text, "expected": json.dumps(json.loads(text), sort_keys=True)} for text in inputs]
    json.dump(vectors, sys.stdout, indent=1, ensure_ascii=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
