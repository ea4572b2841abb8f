import { strict as assert } from 'node:assert';
import { parseCount, parseNumber, toCoordinate } from '../../../../lib/record/numbers';

describe('record numbers', () => {
  it('reads numbers and counts as Mexican portals write them', () => {
    assert.equal(parseNumber('1,250 m²'), 1250);
    assert.equal(parseNumber('2.5 baños'), 2.5);
    assert.equal(parseCount('1 a 2 rec.'), 1);
    assert.equal(parseCount('sin datos'), null);
  });

  it('normalizes coordinates', () => {
    assert.equal(toCoordinate('20.6597', 90), 20.6597);
    assert.equal(toCoordinate(200, 180), null);
    assert.equal(toCoordinate('', 90), null);
  });
});
