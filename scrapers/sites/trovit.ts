/**
 * Trovit México results pages (docs/portals.md §6): the Lifull "snippet" template, read from the card
 * markup §6.2 documents and nothing else. Trovit embeds no listing data and has no detail scraper;
 * its links redirect to the portal holding the ad, so the page reveals no origin address. Operation
 * and type come from the card's place-and-type line when it says them, else from the search URL
 * (docs/portals.md §7: "Trovit from the URL").
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { emptyRecord, type ListingRecord } from '../../lib/record/listing-record';
import { cleanText } from '../../lib/record/text';
import { parsePriceText } from '../../lib/record/price';
import { mapOperation, mapPropertyType } from '../../lib/record/vocabulary';
import { absoluteUrl, canonicalListingUrl, uniqueUrls } from '../../lib/record/urls';
import { toIsoDate } from '../../lib/record/dates';
import type { ParseContext, SiteAdapter } from '../adapter';
import { elementText, placeParts, positiveCount, positiveNumber, unnamedArea, withoutFragment } from '../field-readers';
import { unreadable, type Unreadable } from '../entries';
import { lifullAdapter } from '../lifull-aggregators';
import { searchPathFacts, searchUrlFacts, type SearchUrlFacts } from '../search-url';

/** The features line: "120 m² 3 habitaciones 2 baños" (docs/portals.md §6.2). */
const AREA = /(\d[\d,]*(?:\.\d+)?)\s*m(?:²|2)/i;
const BEDROOMS = /(\d+)\s*(?:habitaci|rec[aá]mara)/i;
const BATHROOMS = /(\d+(?:\.\d+)?)\s*baño/i;

/** Separators between the place and the type in `.address_property-type`. */
const SEGMENTS = /\s+[·|–-]\s+|\s*[·|]\s*/;

interface PlaceAndType extends Pick<ListingRecord, 'neighborhood' | 'city' | 'state'>, SearchUrlFacts {}

/**
 * `.address_property-type` is one element holding the place and the type (S-TRO-A, S-TRO-IT); the
 * sources show neither its order nor its separator. A segment without a comma that names a property
 * type ("Casa", "Casa en venta") is the type; the rest is the place, most specific part first.
 */
function placeAndType(line: string | null): PlaceAndType {
  const segments = (line ?? '')
    .split(SEGMENTS)
    .map((segment) => segment.trim())
    .filter(Boolean);
  const typeIndex = segments.findIndex(
    (segment) => !segment.includes(',') && searchPathFacts(segment).propertyType != null,
  );
  const typeText = typeIndex >= 0 ? segments[typeIndex] : null;
  const place = segments.filter((_, i) => i !== typeIndex).join(', ');
  return {
    ...placeParts(place || null, 'city-state'),
    operation: mapOperation(typeText),
    propertyType: typeText ? mapPropertyType(typeText) : null,
  };
}

/**
 * The next results page: `a.next-button` (S-TRO-CO), or in the older pagination `#paginate a[data-test]`
 * the link to /{slug}/{N+1}. A page with page links but none forward is the last.
 */
function nextPageUrl($: CheerioAPI, pageUrl: string): string | null {
  const button = absoluteUrl($('a.next-button[href]').first().attr('href'), pageUrl);
  if (button) return withoutFragment(button);
  const page = Number(/\/(\d+)\/?$/.exec(new URL(pageUrl).pathname)?.[1] ?? 1);
  const slug = new URL(pageUrl).pathname.replace(/\/\d+\/?$/, '').replace(/\/$/, '');
  for (const anchor of $('#paginate a[data-test][href]').toArray()) {
    const href = absoluteUrl($(anchor).attr('href'), pageUrl);
    if (href && new URL(href).pathname.replace(/\/$/, '') === `${slug}/${page + 1}`) return withoutFragment(href);
  }
  return null;
}

function cardRecord(
  $: CheerioAPI,
  card: Cheerio<AnyNode>,
  searched: SearchUrlFacts,
  context: ParseContext,
): ListingRecord | Unreadable {
  const text = (selector: string) => elementText(card.find(selector), context.maxFieldLength);
  const id = card.attr('data-id')?.trim();
  if (!id) return unreadable('a card without data-id');
  const link = card.find('a.js-listing').first();
  // The link is a Trovit redirect whose query is page-view tracking only: the path identifies the ad.
  const url = canonicalListingUrl(link.attr('href'), context.url, { dropQuery: true });
  if (url == null) return unreadable(`card ${id} has no a.js-listing link`);

  const line = placeAndType(text('.address_property-type'));
  const features = text('.snippet-listing-content-header-icons') ?? '';
  const propertyType = line.propertyType ?? searched.propertyType;
  const images = card
    .find('img.swiper-lazy')
    .toArray()
    .map((img) => $(img).attr('data-src') ?? $(img).attr('src'));

  return {
    ...emptyRecord(context.site, id, url),
    title:
      text('.snippet-listing-content-header-title-left span') ?? cleanText(link.attr('title'), context.maxFieldLength),
    operation: line.operation ?? searched.operation,
    propertyType,
    ...parsePriceText(text('.price__actual')),
    bedrooms: positiveCount(BEDROOMS.exec(features)?.[1]),
    bathrooms: positiveCount(BATHROOMS.exec(features)?.[1]),
    ...unnamedArea(positiveNumber(AREA.exec(features)?.[1]), propertyType),
    neighborhood: line.neighborhood,
    city: line.city,
    state: line.state,
    address: text('.snippet-listing-content-header-title-left address'),
    description: text('.extended-description-content') ?? text('.snippet-listing-content-header-description'),
    images: uniqueUrls(images, context.url),
    publisher: text('.date-publisher-wrapper-agency'),
    // "Actualizado el 23/05/2026"; a relative "Hace 3 días" needs the fetch date: null.
    publishedAt: toIsoDate(text('.updated-date')),
  };
}

export const trovitAdapter: SiteAdapter = lifullAdapter('trovit', {
  // The walk follows a.next-button / #paginate: a linked page that answers 404 is drift.
  endsWithNotFound: false,
  cardReader($, _cards, context) {
    const searched = searchUrlFacts(context.url);
    return (card) => cardRecord($, $(card), searched, context);
  },
  nextPageUrl,
});
