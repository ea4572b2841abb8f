import { strict as assert } from 'node:assert';
import { parsePriceText } from '../../../../lib/record/price';

describe('record prices', () => {
  it('reads prices as Mexican portals write them', () => {
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
});
