import { strict as assert } from 'node:assert';
import { cleanText } from '../../../../lib/record/text';

describe('record text sanitization', () => {
  it('strips tags and scripts, decodes entities, collapses whitespace', () => {
    assert.equal(
      cleanText('  <b>Casa</b>&nbsp;en\n\tventa &amp; jard&iacute;n <script>alert(1)</script> '),
      'Casa en venta & jardín',
    );
    assert.equal(cleanText('Recámaras<br>3<br/>Baños'), 'Recámaras 3 Baños');
    // Markup that only appears after decoding is stripped too: it must not reach exports or the UI.
    assert.equal(
      cleanText('Bonita &lt;script&gt;alert("x")&lt;/script&gt; casa &lt;img src=x onerror=alert(1)&gt;'),
      'Bonita casa',
    );
    assert.equal(cleanText('<style>.a{}</style>   '), null);
    assert.equal(cleanText(null), null);
  });

  it('truncates to the maximum field length instead of failing', () => {
    assert.equal(cleanText('a'.repeat(50), 10), 'a'.repeat(10));
    assert.equal(cleanText('Departamento amplio con vista', 12), 'Departamento');
  });
});
