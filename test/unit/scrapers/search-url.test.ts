import assert from 'node:assert/strict';
import { searchPathFacts, searchUrlFacts } from '../../../scrapers/search-url';

describe('search URL words', () => {
  const cases: Array<[string, string | null, string | null]> = [
    ['https://www.inmuebles24.com/casas-en-venta-en-culiacan-pagina-3.html', 'sale', 'house'],
    ['https://www.inmuebles24.com/departamentos-en-temporal-vacacional.html', 'rent', 'apartment'],
    ['https://www.inmuebles24.com/inmuebles-en-miguel-hidalgo.html', null, null],
    ['https://www.inmuebles24.com/casas-o-casa-en-condominio-o-departamentos-en-venta-en-jalisco.html', 'sale', null],
    ['https://www.casasyterrenos.com/jalisco/guadalajara/departamentos/venta?page=2', 'sale', 'apartment'],
    ['https://www.lamudi.com.mx/jalisco/guadalajara/casa/for-rent/?page=4', 'rent', 'house'],
    ['https://www.lamudi.com.mx/distrito-federal/for-sale/', 'sale', null],
    ['https://propiedades.com/zapopan/terrenos-industriales-renta?pagina=2', 'rent', 'land'],
    ['https://casas.trovit.com.mx/renta-locales-zapopan/2', 'rent', 'commercial'],
    ['https://casas.trovit.com.mx/terreno-mazatlan', null, 'land'],
  ];
  for (const [url, operation, propertyType] of cases) {
    it(`${new URL(url).pathname} → ${operation} / ${propertyType}`, () => {
      assert.deepEqual(searchUrlFacts(url), { operation, propertyType });
    });
  }

  it('reads a path the caller trimmed (Mitula searches all live under /casas/)', () => {
    assert.deepEqual(searchPathFacts('renta-doctor-office-el-salto'), { operation: 'rent', propertyType: 'office' });
    assert.deepEqual(searchPathFacts('/casas/renta-doctor-office-el-salto'), { operation: 'rent', propertyType: null });
  });

  it('names no operation when a path names both', () => {
    assert.deepEqual(searchPathFacts('/venta-y-renta-casas'), { operation: null, propertyType: 'house' });
  });
});
