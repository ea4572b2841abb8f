/**
 * Trovit México results pages (portals.md §6): the Lifull "snippet" template. Everything comes from
 * the card markup; Trovit embeds no listing data and has no detail scraper (its links redirect to
 * the portal holding the ad).
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import { UnrecognisedMarkupError } from '../../lib/errors';
import { emptyRecord, type ListingRecord } from '../../lib/record/listing-record';
import {
  absoluteUrl, canonicalListingUrl, cleanText, mapOperation, mapPropertyType, parsePriceText, toIsoDate, uniqueUrls,
} from '../../lib/record/text';
import type { ListingPage, ParseContext, SiteAdapter } from '../adapter';
import { elementText, positiveCount, positiveNumber, unnamedArea, withoutFragment } from '../field-readers';
import { emptyPageOrThrow, originAddress, refuseAccessDenied } from '../lifull-aggregators';
import { loadPage } from '../page';

const DOMAIN = 'trovit.com.mx';
const CARD = 'article.snippet-listing';

/** The features line: "120 m² 3 habitaciones 2 baños" (portals.md §6.2). */
const AREA = /(\d[\d,]*(?:\.\d+)?)\s*m(?:²|2)/i;
const BEDROOMS = /(\d+)\s*(?:habitaci|rec[aá]mara)/i;
const BATHROOMS = /(\d+(?:\.\d+)?)\s*baño/i;

/** "Colonia, Municipio, Estado": Lifull writes places from the most to the least specific. */
function placeParts(location: string | null): Pick<ListingRecord, 'neighborhood' | 'city' | 'state'> {
  const parts = (location ?? '').split(',').map((part) => part.trim()).filter(Boolean);
  if (parts.length >= 3) return { neighborhood: parts[parts.length - 3], city: parts[parts.length - 2], state: parts[parts.length - 1] };
  if (parts.length === 2) return { neighborhood: null, city: parts[0], state: parts[1] };
  return { neighborhood: null, city: parts[0] ?? null, state: null };
}

function cardRecord($: CheerioAPI, card: Cheerio<AnyNode>, context: ParseContext): ListingRecord {
  const text = (selector: string) => elementText(card.find(selector), context.maxFieldLength);
  const id = card.attr('data-id')?.trim();
  if (!id) throw new UnrecognisedMarkupError(context.site, 'listing', `an ${CARD} without data-id`, context.url);
  const link = card.find('a.js-listing').first();
  // The link is a Trovit redirect whose query is page-view tracking only: the path identifies the ad.
  const url = canonicalListingUrl(link.attr('href'), context.url, { dropQuery: true });
  if (url == null) throw new UnrecognisedMarkupError(context.site, 'listing', `card ${id} has no a.js-listing link`, context.url);

  const typeLabel = text('.address_property-type .property-type');
  const features = text('.snippet-listing-content-header-icons') ?? '';
  const propertyType = mapPropertyType(typeLabel);
  const shown = parsePriceText(text('.price__actual'));
  // The only out-of-Trovit link a card can have is the "Ver en <portal>" link to the ad's origin.
  const origin = card.find('a[href]').not('a.js-listing').toArray()
    .map((anchor) => originAddress($(anchor).attr('href'), context.url, DOMAIN))
    .find((address) => address != null) ?? null;
  const images = card.find('img.swiper-lazy').toArray().map((img) => $(img).attr('data-src') ?? $(img).attr('src'));

  return {
    ...emptyRecord(context.site, id, url),
    title: text('.snippet-listing-content-header-title-left span') ?? cleanText(link.attr('title'), context.maxFieldLength),
    // The card label says "Casa en venta"; portals.md §7 reads Trovit's operation from the search URL, the fallback.
    operation: mapOperation(typeLabel) ?? mapOperation(new URL(context.url).pathname),
    propertyType,
    ...shown,
    bedrooms: positiveCount(BEDROOMS.exec(features)?.[1]),
    bathrooms: positiveCount(BATHROOMS.exec(features)?.[1]),
    ...unnamedArea(positiveNumber(AREA.exec(features)?.[1]), propertyType),
    ...placeParts(text('.address_property-type .address')),
    address: text('.snippet-listing-content-header-title-left address'),
    description: text('.extended-description-content') ?? text('.snippet-listing-content-header-description'),
    images: uniqueUrls(images, context.url),
    publisher: text('.date-publisher-wrapper-agency'),
    // "Actualizado el 23/05/2026"; a relative "Hace 3 días" needs the fetch date: null.
    publishedAt: toIsoDate(text('.updated-date')),
    originUrl: origin,
  };
}

export const trovitAdapter: SiteAdapter = {
  site: 'trovit',
  parseListingPage(html: string, context: ParseContext): ListingPage {
    refuseAccessDenied(html, context.site, 'listing', context.url);
    const $ = loadPage(html, context.site, 'listing', context.url);
    const cards = $(CARD).toArray();
    if (cards.length === 0) return emptyPageOrThrow($, context, CARD);
    const listings = cards.map((card) => cardRecord($, $(card), context));
    // a.next-button links /{slug}/{N+1}; the last page shows a disabled span instead.
    const next = absoluteUrl($('a.next-button[href]').first().attr('href'), context.url);
    return { listings, nextPageUrl: next ? withoutFragment(next) : null, detailUrls: [] };
  },
};
