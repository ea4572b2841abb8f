import assert from 'node:assert/strict';
import { resolveTarget } from '../../../../lib/fetch/target';

describe('resolveTarget', () => {
  it('sends requests to the real host when there is no mirror', () => {
    for (const mirror of [undefined, null, '']) {
      const target = resolveTarget('https://www.inmuebles24.com/casas-en-venta.html?x=1', mirror);
      assert.equal(target.requestUrl.href, 'https://www.inmuebles24.com/casas-en-venta.html?x=1');
      assert.equal(target.hostHeader, null);
    }
  });

  const mirrored: Array<{ does: string; url: string; mirror: string; requestUrl: string; hostHeader: string }> = [
    {
      does: 'rewrites to the mirror and keeps the real host in the Host header',
      url: 'https://www.inmuebles24.com/casas-en-venta-pagina-2.html?orden=1',
      mirror: 'http://127.0.0.1:8799',
      requestUrl: 'http://127.0.0.1:8799/casas-en-venta-pagina-2.html?orden=1',
      hostHeader: 'www.inmuebles24.com',
    },
    {
      does: 'keeps a non-default port of the real URL and ignores a path on the mirror URL',
      url: 'http://casas.trovit.com.mx:8080/terreno-mazatlan/2',
      mirror: 'http://127.0.0.1:9000/ignored/',
      requestUrl: 'http://127.0.0.1:9000/terreno-mazatlan/2',
      hostHeader: 'casas.trovit.com.mx:8080',
    },
  ];
  for (const { does, url, mirror, requestUrl, hostHeader } of mirrored) {
    it(does, () => {
      const target = resolveTarget(url, mirror);
      assert.equal(target.requestUrl.href, requestUrl);
      assert.equal(target.hostHeader, hostHeader);
    });
  }
});
