import { strict as assert } from 'node:assert';
import { absoluteUrl, canonicalListingUrl, uniqueUrls } from '../../../../lib/record/urls';

describe('record URLs', () => {
  it('keeps URLs absolute http(s), without fragments or tracking', () => {
    assert.equal(absoluteUrl('/detalle/1', 'https://www.lamudi.com.mx/x/'), 'https://www.lamudi.com.mx/detalle/1');
    assert.equal(absoluteUrl('javascript:alert(1)', 'https://a.mx/'), null);
    assert.equal(
      canonicalListingUrl('/inmuebles/casa-123#area=1&pos=6', 'https://propiedades.com/'),
      'https://propiedades.com/inmuebles/casa-123',
    );
    assert.equal(
      canonicalListingUrl('https://a.mx/x?id=5&utm_source=mail&gclid=9', 'https://a.mx/'),
      'https://a.mx/x?id=5',
    );
    assert.equal(canonicalListingUrl('https://a.mx/x?id=5', 'https://a.mx/', { dropQuery: true }), 'https://a.mx/x');
    assert.deepEqual(uniqueUrls(['/a.jpg', 'https://cdn/a.jpg', '/a.jpg', 'data:x'], 'https://cdn/'), [
      'https://cdn/a.jpg',
    ]);
  });
});
