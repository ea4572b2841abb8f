/**
 * What each built-in adapter declares about its results walk: whether a results page after the
 * first that answers 404 ends the walk (the activity records it as a page that answered) or fails
 * it as drift (scrapers/adapter.ts, endsWithNotFound).
 */
import { strict as assert } from 'node:assert';
import { adapterFor, BUILTIN_ADAPTERS } from '../../../scrapers/registry';

describe('adapters: a 404 past the first results page', () => {
  it('ends the walk on Mitula (documented, docs/portals.md §4.1) and on the walks by totals (Casas y Terrenos, Propiedades)', () => {
    for (const site of ['mitula', 'casasyterrenos', 'propiedades'] as const)
      assert.equal(BUILTIN_ADAPTERS[site].endsWithNotFound, true, site);
  });

  it("is drift on the walks that follow the page's own next link (Inmuebles24, Lamudi, Trovit) and for a generic adapter", () => {
    for (const site of ['inmuebles24', 'lamudi', 'trovit'] as const)
      assert.equal(BUILTIN_ADAPTERS[site].endsWithNotFound, false, site);
    const generic = adapterFor({
      key: 'portal-x',
      adapter: 'generic',
      genericSelectors: {
        card: 'li.card',
        externalId: { selector: '', attr: 'data-id' },
        url: { selector: 'a' },
        fields: {},
      },
    });
    assert.equal(generic.endsWithNotFound, false);
  });

  it('every built-in adapter states it', () => {
    assert.deepEqual(Object.keys(BUILTIN_ADAPTERS).sort(), [
      'casasyterrenos',
      'inmuebles24',
      'lamudi',
      'mitula',
      'propiedades',
      'trovit',
    ]);
    for (const [site, adapter] of Object.entries(BUILTIN_ADAPTERS))
      assert.equal(typeof adapter.endsWithNotFound, 'boolean', site);
  });
});
