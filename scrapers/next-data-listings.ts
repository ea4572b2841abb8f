/**
 * What the Casas y Terrenos and Propiedades.com adapters share: both are Next.js pages whose
 * listings are the properties embedded in __NEXT_DATA__ (docs/portals.md §2.2, §5.2), each
 * completed by the rendered card of the same id, with the cards alone when the data is missing.
 */
import type { CheerioAPI } from 'cheerio';
import { UnrecognisedMarkupError } from '../lib/errors';
import type { ListingRecord } from '../lib/record/listing-record';
import type { ParseContext } from './adapter';
import { readableEntries, unreadable } from './entries';
import { asObject, fillMissing, type JsonObject } from './field-readers';
import { readNextData } from './page';

/** The page's __NEXT_DATA__, or why it cannot be read (the page may still have cards). */
export function nextDataOrMissing($: CheerioAPI, context: ParseContext): { data: unknown } | { missing: string } {
  try {
    return { data: readNextData($, context.site, 'listing', context.url) };
  } catch (error) {
    if (error instanceof UnrecognisedMarkupError) return { missing: error.missing };
    throw error;
  }
}

/**
 * One listing per embedded property, read by `read` and completed by the card of the same id. A
 * property the data does not identify is the listing of a card the data does not name: both lists
 * follow the page's order, so such cards stand in for such properties, in order; without one left,
 * the property is unreadable (`idSource` says where its id would have been).
 */
export function propertiesWithCards(
  embedded: { properties: readonly unknown[]; path: string; idSource: string },
  cards: readonly ListingRecord[],
  propertyId: (property: unknown) => string | null,
  read: (property: JsonObject, id: string) => ListingRecord,
  context: ParseContext,
): ListingRecord[] {
  const byId = new Map(cards.map((card) => [card.externalId, card]));
  const named = new Set(embedded.properties.map(propertyId).filter((id): id is string => id != null));
  const standIns = cards.filter((card) => !named.has(card.externalId));
  return readableEntries(
    embedded.properties,
    (property, index) => {
      const id = propertyId(property);
      const p = asObject(property);
      if (id == null || p == null)
        return (
          standIns.shift() ??
          unreadable(
            `property ${index} has no id (nor ${embedded.idSource} ending in one) and no card stands in for it`,
          )
        );
      return fillMissing(read(p, id), byId.get(id));
    },
    context,
    embedded.path,
  );
}
