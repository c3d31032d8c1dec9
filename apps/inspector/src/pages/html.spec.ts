import { escapeHtml, html } from './html';

describe('html', () => {
  it('escapes every interpolated string, in text and in attributes', () => {
    const body = `<script>alert("x")</script>' onmouseover='x`;
    expect(html`<pre title="${body}">${body}</pre>`.value).toBe(
      '<pre title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x</pre>',
    );
  });

  it('nests safe fragments and arrays without escaping them twice', () => {
    const items = ['a&b', '<i>'].map((text) => html`<li>${text}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>a&amp;b</li><li>&lt;i&gt;</li></ul>');
  });

  it('renders null, undefined and false as nothing, numbers as text', () => {
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
  });

  it('escapes the five significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
