/**
 * Listings that left their portal, and how long they had been listed. A listing is removed when a
 * batch in which its site completed came after the last batch that saw it: seen before, absent
 * from a complete later look at the site (the report's "removed" compares one batch with the
 * site's previous completed one; over a history the two agree but for listings last seen in a
 * batch whose site failed, which the report never counts). Days listed: from
 * first seen to last seen. Grouped by city × property type × operation, with how many went within
 * N days and how many after more than N days. Day arithmetic is done here, not in SQL, where
 * SQLite and PostgreSQL have no common date function. Medians: ./median.ts.
 */
import type { NotNull } from 'kysely';
import type { Db } from '../store/database';
import { median } from './median';

const DAY_MS = 86_400_000;

export interface RemovedListing {
  site: string;
  externalId: string;
  title: string | null;
  url: string;
  city: string | null;
  propertyType: string | null;
  operation: string | null;
  price: number | null;
  currency: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  /** The first completed batch of its site that no longer saw it. */
  removedInBatchId: string;
  daysListed: number;
}

export interface RemovalGroup {
  city: string | null;
  propertyType: string | null;
  operation: string | null;
  removed: number;
  /** Listed at most `days` days. */
  withinDays: number;
  afterDays: number;
  medianDaysListed: number | null;
}

export interface Removals {
  days: number;
  groups: RemovalGroup[];
  /** The latest removals first. */
  listings: RemovedListing[];
}

export async function removedListings(db: Db): Promise<RemovedListing[]> {
  const withRemoval = db
    .selectFrom('listings as l')
    .innerJoin('batches as lb', 'lb.id', 'l.last_batch_id')
    .select((eb) => [
      'l.site as site',
      'l.external_id as externalId',
      'l.title as title',
      'l.url as url',
      'l.city as city',
      'l.property_type as propertyType',
      'l.operation as operation',
      'l.price as price',
      'l.currency as currency',
      'l.first_seen_at as firstSeenAt',
      'l.last_seen_at as lastSeenAt',
      eb
        .selectFrom('batches as rb')
        .innerJoin('tasks as t', (join) =>
          join
            .onRef('t.batch_id', '=', 'rb.id')
            .onRef('t.site', '=', 'l.site')
            .on('t.kind', '=', 'main')
            .on('t.state', '=', 'completed'),
        )
        .select('rb.id')
        .whereRef('rb.created_at', '>', 'lb.created_at')
        .orderBy('rb.created_at')
        .orderBy('rb.id')
        .limit(1)
        .as('removedInBatchId'),
    ]);
  const rows = await db
    .selectFrom(withRemoval.as('r'))
    .selectAll('r')
    .where('r.removedInBatchId', 'is not', null)
    .$narrowType<{ removedInBatchId: NotNull }>()
    .orderBy('r.lastSeenAt', 'desc')
    .orderBy('r.site')
    .orderBy('r.externalId')
    .execute();
  return rows.map((row) => ({
    ...row,
    daysListed: (Date.parse(row.lastSeenAt) - Date.parse(row.firstSeenAt)) / DAY_MS,
  }));
}

/** The removals grouped, split at `days` days listed; the biggest groups first (then by city, type, operation). */
export async function removals(db: Db, days: number): Promise<Removals> {
  const listings = await removedListings(db);
  const groups = new Map<string, RemovedListing[]>();
  for (const listing of listings) {
    const key = JSON.stringify([listing.city, listing.propertyType, listing.operation]);
    const group = groups.get(key);
    if (group) group.push(listing);
    else groups.set(key, [listing]);
  }
  const keys = [...groups.keys()].sort();
  return {
    days,
    listings,
    groups: keys
      .map((key) => groups.get(key)!)
      .map(([first, ...rest]): RemovalGroup => {
        const members = [first, ...rest];
        const within = members.filter((listing) => listing.daysListed <= days).length;
        return {
          city: first.city,
          propertyType: first.propertyType,
          operation: first.operation,
          removed: members.length,
          withinDays: within,
          afterDays: members.length - within,
          medianDaysListed: median(members.map((listing) => listing.daysListed)),
        };
      })
      .sort((a, b) => b.removed - a.removed),
  };
}
