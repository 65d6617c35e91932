import { escapeBlock, escapeHtml, html, query, raw } from '../../../tools/console/html';

describe('console HTML escaping', () => {
  it('turns markup in a value into text', () => {
    expect(html`<td>${'<script>alert(1)</script>'}</td>`.text).toBe('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
  });

  it('escapes quotes, so a value cannot leave a quoted attribute', () => {
    const out = html`<a title="${'x" onmouseover="alert(1)'}">`.text;
    expect(out).toBe('<a title="x&quot; onmouseover=&quot;alert(1)">');
    expect(html`<a title='${"x' onclick='y"}'>`.text).toBe("<a title='x&#39; onclick=&#39;y'>");
  });

  it('escapes ampersands, so an entity in a value stays text', () => {
    expect(escapeHtml('&lt;b&gt;')).toBe('&amp;lt;b&amp;gt;');
  });

  it('shows control and bidirectional-override characters as visible marks', () => {
    expect(escapeHtml('a\u0007b')).toBe('a<span class=ctl>\\u0007</span>b');
    expect(escapeHtml('invoice\u202Efdp.exe')).toBe('invoice<span class=ctl>\\u202e</span>fdp.exe');
    expect(escapeHtml('line\nbreak')).toBe('line<span class=ctl>\\u000a</span>break');
  });

  it('keeps line feeds and tabs in preformatted text, marks the other controls', () => {
    expect(escapeBlock('{\n\t"a": "<b>"\r}').text).toBe('{\n\t&quot;a&quot;: &quot;&lt;b&gt;&quot;<span class=ctl>\\u000d</span>}');
  });

  it('a mark inside an attribute is plain text: it holds no quote', () => {
    const out = html`<a title="${'\u0000"'}">`.text;
    expect(out).toBe('<a title="<span class=ctl>\\u0000</span>&quot;">');
  });

  it('inserts markup made by the tag as is, and escapes everything else exactly once', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${['<', raw('<br>')]}</p>`.text).toBe('<p><b>&lt;i&gt;</b>&lt;<br></p>');
  });

  it('renders nothing for absent values and booleans, and numbers as text', () => {
    expect(html`${undefined}${null}${false}${true}${42}`.text).toBe('42');
  });

  it('builds query strings with every value encoded and empty ones left out', () => {
    expect(query({ job: 'a/b?&c', empty: '', missing: undefined, n: 3 })).toBe('?job=a%2Fb%3F%26c&n=3');
    expect(query({})).toBe('');
  });
});
