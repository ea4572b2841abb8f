import assert from 'node:assert/strict';
import { escapeHtml, html, linkableUrl, trustedHtml } from '../../../lib/html';

describe('dashboard: html', () => {
  it('escapes every interpolated value unless it is Html', () => {
    const title = '<img src=x onerror="alert(1)"> & \'quotes\'';
    assert.equal(
      html`<td title="${title}">${title}</td>`.text,
      '<td title="&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quotes&#39;">&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quotes&#39;</td>',
    );
    assert.equal(
      html`<p>${html`<b>${'<i>'}</b>`}${trustedHtml('<svg></svg>')}</p>`.text,
      '<p><b>&lt;i&gt;</b><svg></svg></p>',
    );
    assert.equal(html`${['<a>', 1, null, undefined, false, 0]}`.text, '&lt;a&gt;10');
    assert.equal(escapeHtml('a&b'), 'a&amp;b');
  });

  it('links only http(s) URLs', () => {
    assert.equal(linkableUrl('https://www.lamudi.com.mx/detalle/1'), 'https://www.lamudi.com.mx/detalle/1');
    assert.equal(linkableUrl('javascript:alert(1)'), null);
    assert.equal(linkableUrl('data:text/html,x'), null);
    assert.equal(linkableUrl('/relative'), null);
    assert.equal(linkableUrl(null), null);
  });
});
