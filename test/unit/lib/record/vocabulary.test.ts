import { strict as assert } from 'node:assert';
import { mapOperation, mapPropertyType } from '../../../../lib/record/vocabulary';

describe('record vocabulary', () => {
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
});
