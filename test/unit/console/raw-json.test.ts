import fc from 'fast-check';
import { bodyView, reindent, type BodyToken } from '../../../tools/console/raw-json';

const text = (tokens: BodyToken[]) => tokens.map((t) => t.text).join('');
const shown = (body: string) => {
  const view = bodyView(Buffer.from(body, 'utf8'));
  if (!view.json) throw new Error(`not shown as JSON: ${view.reason}`);
  return text(view.tokens);
};

describe('console body view', () => {
  it('keeps a 20-digit integer, a trailing .0, an exponent and string escapes exactly as received', () => {
    const body = '{"id":12345678901234567890,"ratio":1.0,"big":1E+400,"name":"caf\\u00e9 \\"q\\"","neg":-0.50}';
    const out = shown(body);
    expect(out).toContain('"id": 12345678901234567890');
    expect(out).toContain('"ratio": 1.0');
    expect(out).toContain('"big": 1E+400');
    expect(out).toContain('"name": "caf\\u00e9 \\"q\\""');
    expect(out).toContain('"neg": -0.50');
  });

  it('indents members and elements one per line, empty containers on one line', () => {
    expect(shown('{"a":[1,{"b":null}],"c":{},"d":[]}')).toBe('{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ],\n  "c": {},\n  "d": []\n}');
  });

  it('tells keys from string values, and numbers from literals', () => {
    const kinds = reindent('{"k":"v","n":-1,"t":true,"x":-Infinity}')
      .filter((t) => t.kind !== 'space' && t.kind !== 'punct')
      .map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual(['key:"k"', 'string:"v"', 'key:"n"', 'number:-1', 'key:"t"', 'literal:true', 'key:"x"', 'literal:-Infinity']);
  });

  it('shows a body that is not JSON exactly as received, saying why', () => {
    const view = bodyView(Buffer.from('{"uuid": "truncated'));
    expect(view).toMatchObject({ json: false, text: '{"uuid": "truncated' });
    expect(view.json ? '' : view.reason).toMatch(/^not JSON/);
  });

  it('shows a body that is not UTF-8 with replacement characters, saying so', () => {
    const view = bodyView(Buffer.from([0x7b, 0xff, 0x7d]));
    expect(view).toMatchObject({ json: false, text: '{\ufffd}' });
  });

  it('changes only the whitespace between tokens, for any JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, '\t'), (value, indent) => {
        const json = JSON.stringify(value, null, indent);
        const out = shown(json);
        // Same value, and the same token texts once the whitespace outside strings is gone.
        expect(JSON.parse(out)).toEqual(JSON.parse(json));
        const tokensOf = (s: string) =>
          reindent(s)
            .filter((t) => t.kind !== 'space')
            .map((t) => t.text.trim());
        expect(tokensOf(out)).toEqual(tokensOf(json));
      }),
    );
  });
});
