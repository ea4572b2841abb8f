/**
 * The generic adapter: a portal whose results pages are plain HTML cards, described entirely by
 * CSS selectors in config/config.yaml (`adapter: generic` + `selectors`). This keeps the original
 * design's promise that a new portal needs a config entry and a URL CSV, and no code.
 *
 * Values go through the same normalizers as the built-in adapters (lib/record/: text, numbers,
 * price, vocabulary, urls, dates), so a generic portal's records look exactly like everyone else's.
 */
import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode } from 'domhandler';
import type { FieldSelector, GenericField, GenericSelectors } from '../lib/config/types';
import { UnrecognisedMarkupError } from '../lib/errors';
import { emptyRecord, type ListingRecord } from '../lib/record/listing-record';
import { cleanText } from '../lib/record/text';
import { parseCount, parseNumber, toCoordinate } from '../lib/record/numbers';
import { parsePriceText } from '../lib/record/price';
import { mapOperation, mapPropertyType } from '../lib/record/vocabulary';
import { absoluteUrl, canonicalListingUrl, uniqueUrls } from '../lib/record/urls';
import { toIsoDate } from '../lib/record/dates';
import type { ListingPage, ParseContext, SiteAdapter } from './adapter';
import { loadPage } from './page';

/** How a selector is shown in messages: `a.link[href]`, `(the card)[data-id]`. */
function describe(field: FieldSelector): string {
  return `${field.selector || '(the card)'}${field.attr ? `[${field.attr}]` : ''}`;
}

/** The elements a field selector points at inside a card; no selector means the card itself. */
function elements(card: Cheerio<AnyNode>, field: FieldSelector): Cheerio<AnyNode> {
  return field.selector ? card.find(field.selector) : card;
}

/** Phrasing tags a browser renders without a gap: "<b>remodelada</b>." reads "remodelada.". */
const INLINE_TAG =
  /<\/?(?:a|abbr|b|bdi|bdo|cite|code|data|dfn|em|font|i|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u|var)\b[^>]*>/gi;

/**
 * The raw value of the first match: the attribute when one is named, else the element's inner HTML.
 * HTML rather than .text(), so that cleanText turns <p>, <li> and <br> into spaces ("Amplia casa.
 * Cerca de…", not "Amplia casa.Cerca de…") and drops scripts; inline tags are removed first,
 * since cleanText would otherwise put a space where the page shows none.
 */
function readRaw(card: Cheerio<AnyNode>, field: FieldSelector): string | null {
  const first = elements(card, field).first();
  if (first.length === 0) return null;
  const value = field.attr ? first.attr(field.attr) : first.html()?.replace(INLINE_TAG, '');
  return value ?? null;
}

/** True when the page says it has no results: the marker matches as a selector or appears as text. */
function saysNoResults($: CheerioAPI, marker: string | undefined): boolean {
  if (!marker) return false;
  try {
    if ($(marker).length > 0) return true;
  } catch {
    // Not a selector ("0 resultados encontrados."): it is a text to look for.
  }
  // Only the visible text: an i18n bundle in a <script> often holds the phrase on every page.
  const body = $('body').clone();
  body.find('script, style, noscript, template').remove();
  const pageText = body.text().replace(/\s+/g, ' ').toLowerCase();
  return pageText.includes(marker.replace(/\s+/g, ' ').trim().toLowerCase());
}

/** Fills one record field from its selector, converting the text the way the field needs. */
function applyField(
  $: CheerioAPI,
  card: Cheerio<AnyNode>,
  name: GenericField,
  field: FieldSelector,
  record: ListingRecord,
  context: ParseContext,
): void {
  if (name === 'images') {
    // Every match, in page order; an <img> has no text, so the attribute defaults to src.
    const attr = field.attr ?? 'src';
    const hrefs = elements(card, field)
      .toArray()
      .map((element) => $(element).attr(attr));
    record.images = uniqueUrls(hrefs, context.url);
    return;
  }
  const raw = readRaw(card, field);
  if (raw === null) return;
  const text = cleanText(raw, context.maxFieldLength);
  switch (name) {
    case 'price': {
      const price = parsePriceText(text);
      record.price = price.price;
      record.currency = price.currency;
      record.priceOnRequest = price.priceOnRequest;
      return;
    }
    case 'operation':
      record.operation = mapOperation(text);
      return;
    case 'propertyType':
      record.propertyType = mapPropertyType(text);
      return;
    case 'bedrooms':
    case 'bathrooms':
    case 'parkingSpaces':
      record[name] = parseCount(text);
      return;
    case 'builtAreaM2':
    case 'landAreaM2':
      record[name] = parseNumber(text);
      return;
    case 'publishedAt':
      record.publishedAt = toIsoDate(text);
      return;
    case 'lat':
      record.lat = toCoordinate(text, 90);
      return;
    case 'lng':
      record.lng = toCoordinate(text, 180);
      return;
    case 'title':
    case 'neighborhood':
    case 'city':
    case 'state':
    case 'address':
    case 'description':
    case 'publisher':
      record[name] = text;
      return;
  }
}

export function createGenericAdapter(site: string, selectors: GenericSelectors): SiteAdapter {
  const fieldEntries = Object.entries(selectors.fields) as Array<[GenericField, FieldSelector | undefined]>;
  // A link's text is never its address: the listing URL reads href unless told otherwise.
  const urlSelector: FieldSelector = { ...selectors.url, attr: selectors.url.attr ?? 'href' };

  function parseCard($: CheerioAPI, card: Cheerio<AnyNode>, index: number, context: ParseContext): ListingRecord {
    const externalId = cleanText(readRaw(card, selectors.externalId), context.maxFieldLength);
    if (externalId === null) {
      throw new UnrecognisedMarkupError(
        site,
        'listing',
        `card ${index + 1} has no listing id at ${describe(selectors.externalId)}`,
        context.url,
      );
    }
    const url = canonicalListingUrl(readRaw(card, urlSelector), context.url);
    if (url === null) {
      throw new UnrecognisedMarkupError(
        site,
        'listing',
        `card ${index + 1} has no listing URL at ${describe(urlSelector)}`,
        context.url,
      );
    }
    const record = emptyRecord(site, externalId, url);
    for (const [name, field] of fieldEntries) if (field) applyField($, card, name, field, record, context);
    return record;
  }

  function nextPageUrl($: CheerioAPI, context: ParseContext): string | null {
    if (!selectors.nextPage) return null;
    const next = absoluteUrl($(selectors.nextPage).first().attr('href'), context.url);
    // A "next" link back to this very page (last page on some templates) would loop forever.
    if (next === null || canonicalListingUrl(next, context.url) === canonicalListingUrl(context.url, context.url))
      return null;
    return next;
  }

  // The configured cards (and next link) are this portal's content (scrapers/page.ts).
  const contentHooks = [selectors.card, ...(selectors.nextPage ? [selectors.nextPage] : [])];

  return {
    site,
    contentHooks,
    // The walk follows the page's own next link: a linked page that answers 404 is drift.
    endsWithNotFound: false,
    parseListingPage(html: string, context: ParseContext): ListingPage {
      const $ = loadPage(html, site, 'listing', context.url, contentHooks);
      const cards = $(selectors.card);
      if (cards.length === 0) {
        if (saysNoResults($, selectors.noResults)) return { listings: [], nextPageUrl: null, detailUrls: [] };
        const marker = selectors.noResults ? ` and no "no results" marker (${selectors.noResults})` : '';
        throw new UnrecognisedMarkupError(
          site,
          'listing',
          `no listing card matches "${selectors.card}"${marker}`,
          context.url,
        );
      }
      // A card repeated on the page (a promoted copy of a listing) is one listing.
      const seen = new Set<string>();
      const listings: ListingRecord[] = [];
      cards.each((index, element) => {
        const record = parseCard($, $(element), index, context);
        if (!seen.has(record.externalId)) {
          seen.add(record.externalId);
          listings.push(record);
        }
      });
      return { listings, nextPageUrl: nextPageUrl($, context), detailUrls: [] };
    },
  };
}
