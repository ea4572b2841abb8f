import { strict as assert } from 'node:assert';
import { pageLinkNumbers, queryPagination } from '../../../../../mirror/sites/kit/pagination';

describe('pageLinkNumbers', () => {
  it('links the first page, the pages around the current one and the last', () => {
    assert.deepEqual(pageLinkNumbers({ page: 5, totalPages: 9 }, 1), [1, 4, 5, 6, 9]);
    assert.deepEqual(pageLinkNumbers({ page: 5, totalPages: 9 }, 2), [1, 3, 4, 5, 6, 7, 9]);
  });

  it('keeps the numbers within the pages there are, each once', () => {
    assert.deepEqual(pageLinkNumbers({ page: 1, totalPages: 9 }, 2), [1, 2, 3, 9]);
    assert.deepEqual(pageLinkNumbers({ page: 9, totalPages: 9 }, 1), [1, 8, 9]);
    assert.deepEqual(pageLinkNumbers({ page: 2, totalPages: 3 }, 2), [1, 2, 3]);
    assert.deepEqual(pageLinkNumbers({ page: 1, totalPages: 1 }, 1), [1]);
  });
});

describe('queryPagination', () => {
  const pages = queryPagination('https://portal.example', /^\/casas\/[a-z-]+$/, 'pagina');

  it('writes page 1 without the parameter and reads it back', () => {
    assert.equal(pages.listPageUrl('/casas/venta', 1), 'https://portal.example/casas/venta');
    assert.equal(pages.listPageUrl('/casas/venta', 3), 'https://portal.example/casas/venta?pagina=3');
    assert.deepEqual(pages.route(new URL('https://portal.example/casas/venta?pagina=3')), {
      kind: 'listing',
      searchPath: '/casas/venta',
      page: 3,
    });
    assert.deepEqual(pages.route(new URL('https://portal.example/casas/venta')), {
      kind: 'listing',
      searchPath: '/casas/venta',
      page: 1,
    });
  });

  it('routes no page number it never writes, nor another path', () => {
    assert.equal(pages.route(new URL('https://portal.example/casas/venta?pagina=0')), null);
    assert.equal(pages.route(new URL('https://portal.example/casas/venta?pagina=02')), null);
    assert.equal(pages.route(new URL('https://portal.example/otra/venta?pagina=2')), null);
  });
});
