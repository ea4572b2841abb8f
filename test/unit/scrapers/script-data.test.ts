/**
 * The acorn-based reader of inline-script literals (scrapers/script-data.ts): data out, code
 * skipped, never an error; literals found in scripts that do not parse as a whole, and literals
 * cut short or broken read element by element.
 */
import { strict as assert } from 'node:assert';
import { readScriptData } from '../../../scrapers/script-data';

describe('reading literals out of inline scripts (scrapers/script-data.ts)', () => {
  it('reads a loose literal: mixed quotes, bare and numeric keys, comments, trailing commas, escapes', () => {
    const source = `var x = 1; const avisoInfo = {
      idAviso: '142082805', "title": "Casa \\"Jurica\\" & jardín", 'it\\'s': 'l\\u00e1',
      // a comment
      list: [1, -2.5, 3e2, +4, true, null, !0, !1,], /* another */
      nested: { a: { b: 'c', }, }, 7: 'seven',
    }; const next = 2;`;
    assert.deepEqual(readScriptData(source, { declaration: 'avisoInfo' }), {
      value: {
        idAviso: '142082805',
        title: 'Casa "Jurica" & jardín',
        "it's": 'lá',
        list: [1, -2.5, 300, 4, true, null, true, false],
        nested: { a: { b: 'c' } },
        7: 'seven',
      },
      complete: true,
    });
    assert.equal(readScriptData(source, { declaration: 'missing' }), undefined);
  });

  it('skips what is code, not data: identifiers, template literals, functions, calls, regular expressions, spreads', () => {
    const source = `initAdForm({
      province: 'Jalisco',
      mapLat: mapLatOf, empty: undefined,
      message: \`Hola, me interesa \${document.title}\`, plain: \`no substitutions\`,
      onSubmit: function (event) { send(event); }, onOpen: () => track('open'), at: Date.now(), pattern: /a+/g,
      ...defaults,
      list: [a, 'b', ...more],
      coordinates: { latitude: 20.67, longitude: -103.35 },
    });`;
    assert.deepEqual(readScriptData(source, { call: 'initAdForm' })?.value, {
      province: 'Jalisco',
      list: [undefined, 'b', undefined],
      coordinates: { latitude: 20.67, longitude: -103.35 },
    });
  });

  it('finds a call wherever it is, skipping definitions and calls that pass no literal', () => {
    const source = `function initAdForm(options) { return options; }
      initAdForm(config);
      window.addEventListener('DOMContentLoaded', function () { lamudi.initAdForm({ adUrl: '/detalle/x' }); });`;
    assert.deepEqual(readScriptData(source, { call: 'initAdForm' }), {
      value: { adUrl: '/detalle/x' },
      complete: true,
    });
    assert.equal(readScriptData('initAdForm(window.adFormConfig);', { call: 'initAdForm' }), undefined);
  });

  it('finds an assignment to a dotted name: window.__PRELOADED_STATE__', () => {
    const source = `window.__PRELOADED_STATE__ = {"listStore":{"listPostings":[{"postingId":"1"}]}};\n\t\twindow.__SITE_DATA__ = {"url":"x"};`;
    assert.deepEqual(readScriptData(source, { assignment: 'window.__PRELOADED_STATE__' })?.value, {
      listStore: { listPostings: [{ postingId: '1' }] },
    });
    assert.deepEqual(readScriptData(source, { assignment: 'window.__SITE_DATA__' })?.value, { url: 'x' });
  });

  it('keeps "__proto__" as a key, never as the prototype', () => {
    const read = readScriptData(`const x = { "__proto__": { polluted: true }, a: 1 };`, { declaration: 'x' })!
      .value as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(read), Object.prototype);
    assert.deepEqual(Object.keys(read), ['__proto__', 'a']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('reads the literal of a script that does not parse as a whole (another statement of it is cut)', () => {
    const source = `const avisoInfo = { 'idAviso': '143611198', 'status': 'OFFLINE', };\n const newRelicHeader = '&lt;script type=`;
    assert.deepEqual(readScriptData(source, { declaration: 'avisoInfo' }), {
      value: { idAviso: '143611198', status: 'OFFLINE' },
      complete: true,
    });
    // Constants that are not objects are read there too.
    assert.deepEqual(
      readScriptData(`const usersViews =  57 \nconst mapLatOf =  "MjAuNjI3";\n const cut = 'abc`, {
        declaration: 'mapLatOf',
      }),
      { value: 'MjAuNjI3', complete: true },
    );
  });

  it('reads a literal cut short element by element: every element before the cut, nothing invented', () => {
    const source = `const avisoInfo = {\n 'idAviso': '143531609',\n 'pricesData': [{"operationType":{"name":"venta"},"prices":[{"amount":4500000}]}],\n 'location': {"name":"Playa del Carmen"},\n 'pictures': [{"url1200x1200":"https://img10.naventcdn.com/avisos/1`;
    assert.deepEqual(readScriptData(source, { declaration: 'avisoInfo' }), {
      value: {
        idAviso: '143531609',
        pricesData: [{ operationType: { name: 'venta' }, prices: [{ amount: 4500000 }] }],
        location: { name: 'Playa del Carmen' },
      },
      complete: false,
    });
  });

  it('reads around one broken element (a template that printed nothing): the others still count', () => {
    const source = `const avisoInfo = { 'idAviso': '1', 'expenses': , 'price': 'MN 4,500,000', 'location': { name: 'Centro', }, };`;
    assert.deepEqual(readScriptData(source, { declaration: 'avisoInfo' }), {
      value: { idAviso: '1', price: 'MN 4,500,000', location: { name: 'Centro' } },
      complete: false,
    });
    // The same in an array.
    assert.deepEqual(readScriptData(`var list = [1, 'two', 3 4, { three: 3 }];`, { declaration: 'list' }), {
      value: [1, 'two', { three: 3 }],
      complete: false,
    });
  });

  it('gives undefined, never an error, when nothing can be read', () => {
    for (const source of ['const avisoInfo = {', 'const avisoInfo = @@@;', 'initAdForm({ adUrl: ', '', 'avisoInfo']) {
      assert.equal(readScriptData(source, { declaration: 'avisoInfo' }), undefined, source);
      assert.equal(readScriptData(source, { call: 'initAdForm' }), undefined, source);
    }
  });
});
