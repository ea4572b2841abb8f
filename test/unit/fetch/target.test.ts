import assert from 'node:assert/strict';
import { resolveTarget } from '../../../lib/fetch/target';

describe('resolveTarget', () => {
  it('sends requests to the real host when there is no mirror', () => {
    for (const mirror of [undefined, null, '']) {
      const target = resolveTarget('https://www.inmuebles24.com/casas-en-venta.html?x=1', mirror);
      assert.equal(target.requestUrl.href, 'https://www.inmuebles24.com/casas-en-venta.html?x=1');
      assert.equal(target.hostHeader, null);
    }
  });

  it('rewrites to the mirror and keeps the real host in the Host header', () => {
    const target = resolveTarget(
      'https://www.inmuebles24.com/casas-en-venta-pagina-2.html?orden=1',
      'http://127.0.0.1:8799',
    );
    assert.equal(target.requestUrl.href, 'http://127.0.0.1:8799/casas-en-venta-pagina-2.html?orden=1');
    assert.equal(target.hostHeader, 'www.inmuebles24.com');
  });

  it('keeps a non-default port of the real URL and ignores a path on the mirror URL', () => {
    const target = resolveTarget(
      'http://casas.trovit.com.mx:8080/terreno-mazatlan/2',
      'http://127.0.0.1:9000/ignored/',
    );
    assert.equal(target.requestUrl.href, 'http://127.0.0.1:9000/terreno-mazatlan/2');
    assert.equal(target.hostHeader, 'casas.trovit.com.mx:8080');
  });
});
