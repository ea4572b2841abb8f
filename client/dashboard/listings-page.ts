/** The Listings view: the filter form, one page of the filtered listings (each linked to its portal page), pages, and the CSV of the filter. */
import { html, type Html } from '../../lib/html';
import type { FilterChoices, ListingSearchResult } from '../../lib/dashboard/listing-search';
import type { ExportFilter } from '../../lib/export/listing-export';
import { formatCount, formatPrice, orNone } from './format';
import { dataTable } from './layout';
import { listingQueryString } from './listing-query';
import { listingLink } from './market-page';

function select(name: string, label: string, values: readonly string[], chosen: string | undefined): Html {
  return html`<label
    >${label}
    <select name="${name}">
      <option value="">(all)</option>
      ${values.map((value) => html`<option value="${value}" ${value === chosen ? 'selected' : ''}>${value}</option>`)}
    </select></label
  >`;
}

export function listingsView(filter: ExportFilter, choices: FilterChoices, result: ListingSearchResult): Html {
  const link = (page: number) => `/listings${listingQueryString(filter, page)}`;
  const pager = html`<div class="pager">
    ${result.page > 1 ? html`<a href="${link(result.page - 1)}" rel="prev">← previous</a>` : ''}
    <span id="page-position">page ${result.page} of ${result.pageCount}</span>
    ${result.page < result.pageCount ? html`<a href="${link(result.page + 1)}" rel="next">next →</a>` : ''}
  </div>`;
  return html`<h1>Listings</h1>
    <form class="filters" method="get" action="/listings">
      ${select('site', 'site', choices.sites, filter.site)} ${select('city', 'city', choices.cities, filter.city)}
      ${select('operation', 'operation', choices.operations, filter.operation)}
      ${select('type', 'property type', choices.propertyTypes, filter.propertyType)}
      <label>price from <input type="number" name="min" min="0" value="${filter.minPrice ?? ''}" /></label>
      <label>price to <input type="number" name="max" min="0" value="${filter.maxPrice ?? ''}" /></label>
      <label>text <input type="search" name="q" value="${filter.text ?? ''}" /></label>
      <button type="submit">filter</button>
      <a href="/listings">clear</a>
    </form>
    <p>
      <span id="listing-total">${formatCount(result.total)}</span> listings ·
      <a id="csv-download" href="/listings.csv${listingQueryString(filter)}" download="listings.csv"
        >download these as CSV</a
      >
    </p>
    ${pager}
    ${dataTable(
      ['site', 'id', 'listing', 'city', 'operation', 'property type', 'price', 'm² built', 'bedrooms'],
      result.listings.map((listing) => [
        listing.site,
        listing.externalId,
        listingLink(listing.title, listing.url),
        orNone(listing.city),
        orNone(listing.operation),
        orNone(listing.propertyType),
        formatPrice(listing.price, listing.currency),
        formatCount(listing.builtAreaM2),
        formatCount(listing.bedrooms),
      ]),
      'listings',
    )}
    ${pager}`;
}
