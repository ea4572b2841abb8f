/**
 * lib/cheerio-load.ts: cheerio's own `load` (parse5 both ways, so `.html()` reads as before), without
 * the network half of cheerio's entry point.
 */
import { strict as assert } from 'node:assert';
import { load as entryLoad } from 'cheerio';
import { load } from '../../../lib/cheerio-load';
import { packagesLoaded } from '../../support/fresh-node';

/** Whether requiring `module` in a fresh Node loads undici. */
const loadsUndici = (module: string): boolean => packagesLoaded(['undici'], [module]).length > 0;

describe('cheerio-load', () => {
  it("parses and renders as cheerio's entry point does", () => {
    const html =
      '<html><head><script id="__NEXT_DATA__">{"a":"<b>&amp;"}</script></head><body><p class=x>Casa&nbsp;en <b>venta</b> &lt;3 &copy;</p><template><i>t</i></template><br></body></html>';
    assert.equal(load(html).html(), entryLoad(html).html());
    assert.equal(
      load(html)('p').html(),
      'Casa&nbsp;en <b>venta</b> &lt;3 ©',
      'parse5 renders a no-break space as &nbsp;',
    );
    assert.equal(load(html)('script').text(), '{"a":"<b>&amp;"}');
  });

  it('does not load undici, which the entry point does', function () {
    this.timeout(20_000);
    assert.equal(loadsUndici('cheerio'), true, 'the entry point loads it (the control)');
    assert.equal(loadsUndici(require.resolve('../../../lib/cheerio-load')), false);
  });
});
