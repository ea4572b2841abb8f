import { strict as assert } from 'node:assert';
import { steppedIds } from '../../../../../mirror/sites/kit/ids';

describe('steppedIds', () => {
  it('writes base + n·step in decimal and reads it back', () => {
    const ids = steppedIds(2_400_017, 7, /^\d{1,12}$/);
    assert.equal(ids.externalId(0), '2400017');
    assert.equal(ids.externalId(3), '2400038');
    assert.equal(ids.indexOf('2400038'), 3);
  });

  it('writes base-36 ids with radix 36 and reads them back', () => {
    const ids = steppedIds(36 ** 6 + 1_234_567, 11, /^[0-9a-z]{7,10}$/, 36);
    assert.equal(ids.externalId(0), (36 ** 6 + 1_234_567).toString(36));
    assert.equal(ids.externalId(0).length, 7);
    for (const n of [0, 1, 35, 36, 99_999]) assert.equal(ids.indexOf(ids.externalId(n)), n);
  });

  it('answers null for an id it never issued', () => {
    const decimal = steppedIds(2_400_017, 7, /^\d{1,12}$/);
    assert.equal(decimal.indexOf('2400018'), null, 'off the step');
    assert.equal(decimal.indexOf('2400010'), null, 'below the base');
    assert.equal(decimal.indexOf('02400017'), null, 'not written as externalId writes it');
    assert.equal(decimal.indexOf('24OO017'), null, 'not digits');
    const base36 = steppedIds(36 ** 6 + 1_234_567, 11, /^[0-9a-z]{7,10}$/, 36);
    assert.equal(base36.indexOf(base36.externalId(4).toUpperCase()), null, 'upper case is not how it is written');
    assert.equal(base36.indexOf(`0${base36.externalId(4)}`), null, 'a leading zero');
  });
});
