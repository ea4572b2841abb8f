import assert from 'node:assert/strict';
import { median } from '../../../../lib/dashboard/median';

describe('median', () => {
  it('is the middle value of an odd count, the mean of the two middle values of an even count, null for none', () => {
    assert.equal(median([400, 100, 200]), 200);
    assert.equal(median([900, 100, 400, 200]), 300);
    assert.equal(median([15, 10, 10, 20]), 12.5);
    assert.equal(median([7]), 7);
    assert.equal(median([]), null);
  });

  it('leaves its input as it was', () => {
    const values = [3, 1, 2];
    median(values);
    assert.deepEqual(values, [3, 1, 2]);
  });
});
