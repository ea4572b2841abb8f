/**
 * lib/cheerio-load.ts: pages parsed by htmlparser2 (cheerio's slim entry point), rendered with
 * parse5's escaping, without parse5 or the network half of cheerio's main entry point.
 */
import { strict as assert } from 'node:assert';
import { load as entryLoad } from 'cheerio';
import { load } from '../../../lib/cheerio-load';
import { packagesLoaded } from '../../support/fresh-node';

const PAGE =
  '<html><head><script id="__NEXT_DATA__">{"a":"<b>&amp;"}</script></head><body><p class=x>Casa&nbsp;en <b>venta</b> &lt;3 &copy; Descripción<br></p><table><tr><td>x</td></tr></table></body></html>';

describe('cheerio-load', () => {
  it('parses with htmlparser2: the markup as written, no elements the HTML standard would imply', () => {
    assert.equal(entryLoad(PAGE)('table > tbody > tr').length, 1, 'parse5 implies a <tbody> (the control)');
    assert.equal(load(PAGE)('table > tbody').length, 0);
    assert.equal(load(PAGE)('table > tr > td').text(), 'x');
  });

  it("renders .html() and reads text as cheerio's default (parse5) does", () => {
    assert.equal(load(PAGE)('p').html(), entryLoad(PAGE)('p').html());
    assert.equal(
      load(PAGE)('p').html(),
      'Casa&nbsp;en <b>venta</b> &lt;3 © Descripción<br>',
      'only &, <, > and the no-break space escaped, not every character past ASCII',
    );
    assert.equal(load(PAGE)('p').text(), entryLoad(PAGE)('p').text());
    assert.equal(load(PAGE)('script').text(), '{"a":"<b>&amp;"}', "a script's text is as written");
  });

  it('keeps a <noscript> as its source, one text node, as parse5 with scripting on does', () => {
    const page =
      '<html><head><noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-1"></iframe></noscript></head><body>' +
      '<div class="swiper-slide"><img data-src="a.jpg"><noscript><img src="a.jpg"></noscript></div>' +
      '<div class="swiper-slide"><img data-src="b.jpg"><NOSCRIPT><img src="b.jpg"> &amp; más</NOSCRIPT></div>' +
      '<p>Hola <noscript><a href="/x">x</a></noscript> fin</p></body></html>';
    const ours = load(page);
    const parse5 = entryLoad(page);
    assert.equal(parse5('.swiper-slide img').length, 2, 'the control: the fallbacks are no images');
    assert.equal(ours('.swiper-slide img').length, 2);
    assert.equal(ours('iframe').length, 0);
    for (const selector of ['head', '.swiper-slide', 'p', 'body']) {
      assert.equal(ours(selector).text(), parse5(selector).text(), `${selector} text`);
      assert.equal(ours(selector).html(), parse5(selector).html(), `${selector} html`);
    }
    assert.equal(ours('noscript').eq(2).text(), '<img src="b.jpg"> &amp; más');
  });

  it('loads neither parse5 nor undici, which the main entry point does', function () {
    this.timeout(20_000);
    assert.deepEqual(packagesLoaded(['parse5', 'undici'], ['cheerio']), ['parse5', 'undici'], 'the control');
    const module = require.resolve('../../../lib/cheerio-load');
    assert.deepEqual(
      packagesLoaded(['cheerio', 'parse5', 'undici'], [module], `require(${JSON.stringify(module)}).load('<p>x</p>');`),
      ['cheerio'],
    );
  });
});
