/**
 * The Market view: median price and median price per m² by city × property type × operation (and
 * currency) over batches, with their counts; price changes; listings removed within or after N days.
 */
import { timeSeriesChart } from '../../lib/dashboard/charts';
import { html, linkableUrl, trustedHtml, type Html } from '../../lib/html';
import type { MarketCell, MarketKey } from '../../lib/dashboard/market';
import { changePercent, type PriceChangeRow, type PriceChangeSummary } from '../../lib/dashboard/price-changes';
import type { Removals } from '../../lib/dashboard/removals';
import { formatChange, formatCount, formatPrice, formatTime, NONE, orNone } from './format';
import { chartFrame, dataTable } from './layout';

export interface MarketData {
  cells: MarketCell[];
  priceChanges: PriceChangeSummary[];
  latestChanges: PriceChangeRow[];
  removals: Removals;
}

/** Lines drawn in the charts: the groups with the most priced listings in the latest batch. */
const CHARTED_GROUPS = 6;

export function groupLabel(key: MarketKey): string {
  return [orNone(key.city), orNone(key.propertyType), orNone(key.operation), orNone(key.currency)].join(' · ');
}

/** A listing's title linked to its page on the portal (only an http(s) URL becomes a link). */
export function listingLink(title: string | null, url: string): Html {
  const href = linkableUrl(url);
  const text = title ?? '(no title)';
  return href ? html`<a href="${href}" rel="noopener noreferrer" target="_blank">${text}</a>` : html`${text}`;
}

async function medianCharts(cells: readonly MarketCell[], latestBatchId: string): Promise<Html[]> {
  const charted = new Set(
    cells
      .filter((cell) => cell.batchId === latestBatchId)
      .slice(0, CHARTED_GROUPS)
      .map(groupLabel),
  );
  const series = cells.filter((cell) => charted.has(groupLabel(cell)));
  const chart = (pick: (cell: MarketCell) => number | null, yLabel: string) =>
    timeSeriesChart(
      series.flatMap((cell) => {
        const value = pick(cell);
        return value === null ? [] : [{ at: new Date(cell.batchCreatedAt), value, series: groupLabel(cell) }];
      }),
      { yLabel },
    );
  return (
    await Promise.all([
      chart((cell) => cell.medianPrice, 'median price'),
      chart((c) => c.medianPricePerM2, 'median price per m²'),
    ])
  ).map((svg) => chartFrame(trustedHtml(svg)));
}

export async function marketView(data: MarketData): Promise<Html> {
  const { cells, removals } = data;
  const latest = cells.at(-1)?.batchId;
  if (latest === undefined)
    return html`<h1>Market</h1>
      <p>No priced listing yet.</p>
      ${removalSection(removals)}`;
  const previousBatch = [...new Set(cells.map((cell) => cell.batchId))].at(-2);
  const previous = new Map(
    cells.filter((cell) => cell.batchId === previousBatch).map((cell) => [groupLabel(cell), cell.medianPrice]),
  );
  const latestRows = cells
    .filter((cell) => cell.batchId === latest)
    .map((cell) => {
      const before = previous.get(groupLabel(cell)) ?? null;
      return [
        orNone(cell.city),
        orNone(cell.propertyType),
        orNone(cell.operation),
        orNone(cell.currency),
        formatCount(cell.listings),
        formatPrice(cell.medianPrice),
        formatCount(cell.withArea),
        formatPrice(cell.medianPricePerM2),
        formatPrice(before),
        formatChange(
          before !== null && cell.medianPrice !== null && before > 0
            ? ((cell.medianPrice - before) / before) * 100
            : null,
        ),
      ];
    });
  const allRows = [...cells]
    .reverse()
    .map((cell) => [
      cell.batchId,
      groupLabel(cell),
      formatCount(cell.listings),
      formatPrice(cell.medianPrice),
      formatCount(cell.withArea),
      formatPrice(cell.medianPricePerM2),
    ]);
  return html`<h1>Market</h1>
    <p class="note">
      Medians of the listings each batch saw with a price, at the price they had then; an even count takes the mean of
      the two middle values. Price per m²: price ÷ built area, else land area. Currencies are never mixed.
    </p>
    <h2>Latest batch: ${latest}</h2>
    ${dataTable(
      [
        'city',
        'property type',
        'operation',
        'currency',
        'listings',
        'median price',
        'with area',
        'median per m²',
        `median before (${orNone(previousBatch)})`,
        'change',
      ],
      latestRows,
      'market-latest',
    )}
    <h2>Over batches (the ${CHARTED_GROUPS} largest groups)</h2>
    ${await medianCharts(cells, latest)}
    <details>
      <summary>Every batch and group</summary>
      ${dataTable(['batch', 'group', 'listings', 'median price', 'with area', 'median per m²'], allRows, 'market-all')}
    </details>
    ${priceChangeSection(data)} ${removalSection(removals)}`;
}

function priceChangeSection({ priceChanges, latestChanges }: MarketData): Html {
  return html`<h2>Price changes</h2>
    ${dataTable(
      ['batch', 'created', 'changes', 'up', 'down', 'median change'],
      [...priceChanges]
        .reverse()
        .map((row) => [
          row.batchId,
          formatTime(row.batchCreatedAt),
          formatCount(row.changes),
          formatCount(row.up),
          formatCount(row.down),
          formatChange(row.medianChangePercent),
        ]),
      'price-changes',
    )}
    <h2>Latest price changes</h2>
    ${dataTable(
      ['batch', 'site', 'listing', 'city', 'before', 'now', 'change'],
      latestChanges.map((row) => [
        row.batchId,
        row.site,
        listingLink(row.title, row.url),
        orNone(row.city),
        formatPrice(row.oldPrice, row.oldCurrency),
        formatPrice(row.price, row.currency),
        formatChange(changePercent(row)),
      ]),
      'latest-price-changes',
    )}`;
}

/** Removed listings shown one by one, the latest first. */
const REMOVED_SHOWN = 50;

function removalSection(removals: Removals): Html {
  const { days } = removals;
  return html`<h2 id="removed">Listings removed</h2>
    <form method="get" action="/market#removed">
      <label>N days: <input type="number" name="days" min="0" value="${days}" /></label>
      <button type="submit">show</button>
    </form>
    <p class="note">
      Removed: a later batch in which the site completed no longer saw it. Days listed: first seen to last seen.
    </p>
    ${dataTable(
      [
        'city',
        'property type',
        'operation',
        'removed',
        `within ${days} days`,
        `after more than ${days} days`,
        'median days listed',
      ],
      removals.groups.map((group) => [
        orNone(group.city),
        orNone(group.propertyType),
        orNone(group.operation),
        formatCount(group.removed),
        formatCount(group.withinDays),
        formatCount(group.afterDays),
        group.medianDaysListed === null ? NONE : group.medianDaysListed.toFixed(1),
      ]),
      'removals',
    )}
    ${dataTable(
      ['site', 'listing', 'city', 'price', 'first seen', 'last seen', 'days listed', 'missing in'],
      removals.listings
        .slice(0, REMOVED_SHOWN)
        .map((listing) => [
          listing.site,
          listingLink(listing.title, listing.url),
          orNone(listing.city),
          formatPrice(listing.price, listing.currency),
          formatTime(listing.firstSeenAt),
          formatTime(listing.lastSeenAt),
          listing.daysListed.toFixed(1),
          listing.removedInBatchId,
        ]),
      'removed-listings',
    )}`;
}
