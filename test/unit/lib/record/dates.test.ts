import { strict as assert } from 'node:assert';
import { toIsoDate } from '../../../../lib/record/dates';

describe('record dates', () => {
  it('normalizes dates', () => {
    assert.equal(toIsoDate('23/05/2024 - Jalisco'), '2024-05-23');
    assert.equal(toIsoDate('2024-05-23T01:01:19Z'), '2024-05-23T01:01:19Z');
    assert.equal(toIsoDate('hace 3 días'), null);
  });
});
