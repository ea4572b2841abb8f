/**
 * security.browser (the real-browser fetcher's settings) and the fetcher each portal ships with:
 * the shipped values, the defaults when the mapping is left out, and bad values named with file,
 * key path and value like every other config mistake.
 */
import assert from 'node:assert/strict';
import { loadConfig } from '../../../../lib/config/load';
import { edited, parse, problems } from './shipped-config';

describe('config: the browser fetcher', () => {
  it('ships Inmuebles24 and Propiedades.com on the browser fetcher, Lamudi on auto, the other three on http', () => {
    const config = loadConfig({ env: {} });
    assert.deepEqual(Object.fromEntries(config.sites.map((site) => [site.key, site.fetcher])), {
      inmuebles24: 'browser',
      casasyterrenos: 'http',
      lamudi: 'auto',
      mitula: 'http',
      propiedades: 'browser',
      trovit: 'http',
    });
    assert.deepEqual(config.security.browser, { restartEveryPages: 50, poolSize: 2, challengeWaitMs: 15_000 });
  });

  it('fills in the defaults when security.browser, or one of its keys, is left out', () => {
    const without = parse(edited((doc) => doc.deleteIn(['security', 'browser'])));
    assert.deepEqual(without.security.browser, { restartEveryPages: 50, poolSize: 2, challengeWaitMs: 15_000 });
    const partial = parse(
      edited((doc) => {
        doc.deleteIn(['security', 'browser', 'pool_size']);
        doc.setIn(['security', 'browser', 'challenge_wait_seconds'], '1m');
      }),
    );
    assert.deepEqual(partial.security.browser, { restartEveryPages: 50, poolSize: 2, challengeWaitMs: 60_000 });
  });

  it('names each bad value with file, key path and value', () => {
    assert.deepEqual(problems(edited((doc) => doc.setIn(['security', 'browser', 'restart_every_pages'], 0))), [
      'config/config.yaml: security.browser.restart_every_pages: must be an integer ≥ 1, got 0',
    ]);
    assert.deepEqual(problems(edited((doc) => doc.setIn(['security', 'browser', 'pool_size'], 40))), [
      'config/config.yaml: security.browser.pool_size: must be an integer from 1 to 16, got 40',
    ]);
    assert.deepEqual(problems(edited((doc) => doc.setIn(['security', 'browser', 'challenge_wait_seconds'], 'soon'))), [
      'config/config.yaml: security.browser.challenge_wait_seconds: must be a duration > 0 such as "500ms", "2s", "1m", "1h", or a number of seconds, got "soon"',
    ]);
    assert.deepEqual(problems(edited((doc) => doc.setIn(['security', 'browser', 'pool_sise'], 2))), [
      'config/config.yaml: security.browser: unknown key "pool_sise" (did you mean "pool_size"?)',
    ]);
    assert.deepEqual(problems(edited((doc) => doc.setIn(['sites', 'lamudi', 'fetcher'], 'chrome'))), [
      'config/config.yaml: sites.lamudi.fetcher: must be "http", "browser" or "auto", got "chrome"',
    ]);
  });
});
