import { strict as assert } from 'node:assert';
import {
  absoluteUrl,
  canonicalListingUrl,
  cleanText,
  mapOperation,
  mapPropertyType,
  parseCount,
  parseNumber,
  parsePriceText,
  toCoordinate,
  toIsoDate,
  uniqueUrls,
} from '../../../../lib/record/text';

describe('sanitization and value normalization', () => {
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

  it('reads numbers, counts and prices as Mexican portals write them', () => {
    assert.equal(parseNumber('1,250 m²'), 1250);
    assert.equal(parseNumber('2.5 baños'), 2.5);
    assert.equal(parseCount('1 a 2 rec.'), 1);
    assert.equal(parseCount('sin datos'), null);
    assert.deepEqual(parsePriceText('MN 4,500,000'), { price: 4500000, currency: 'MXN', priceOnRequest: false });
    assert.deepEqual(parsePriceText('$ 6,500,000 MXN'), { price: 6500000, currency: 'MXN', priceOnRequest: false });
    assert.deepEqual(parsePriceText('USD 231,960'), { price: 231960, currency: 'USD', priceOnRequest: false });
    assert.deepEqual(parsePriceText('U$D 120,000'), { price: 120000, currency: 'USD', priceOnRequest: false });
    assert.deepEqual(parsePriceText('US$ 99,000'), { price: 99000, currency: 'USD', priceOnRequest: false });
    assert.deepEqual(parsePriceText('Desde $ 6,499,999 MXN'), {
      price: 6499999,
      currency: 'MXN',
      priceOnRequest: false,
    });
    assert.deepEqual(parsePriceText('Consultar precios'), { price: null, currency: null, priceOnRequest: true });
    assert.deepEqual(parsePriceText(''), { price: null, currency: null, priceOnRequest: false });
  });

  it('maps operations and property types', () => {
    assert.equal(mapOperation('Casa en venta'), 'sale');
    assert.equal(mapOperation('/casa/for-rent/'), 'rent');
    assert.equal(mapOperation('Terreno'), null);
    assert.equal(mapPropertyType('Casa en condominio'), 'house');
    assert.equal(mapPropertyType('departamentos'), 'apartment');
    assert.equal(mapPropertyType('Consultorio'), 'office');
    assert.equal(mapPropertyType('Local comercial'), 'commercial');
    assert.equal(mapPropertyType('Nave industrial'), 'warehouse');
    assert.equal(mapPropertyType('Edificio'), 'building');
    assert.equal(mapPropertyType('Rancho'), 'land');
    assert.equal(mapPropertyType('Isla privada'), 'other');
    assert.equal(mapPropertyType(''), null);
  });

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

  it('normalizes dates and coordinates', () => {
    assert.equal(toIsoDate('23/05/2024 - Jalisco'), '2024-05-23');
    assert.equal(toIsoDate('2024-05-23T01:01:19Z'), '2024-05-23T01:01:19Z');
    assert.equal(toIsoDate('hace 3 días'), null);
    assert.equal(toCoordinate('20.6597', 90), 20.6597);
    assert.equal(toCoordinate(200, 180), null);
    assert.equal(toCoordinate('', 90), null);
  });
});
