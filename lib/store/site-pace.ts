/**
 * A rate-limited site's pace, shared by every worker process and host through the store: one row
 * per site holds the earliest instant its next request may go. A request takes the site's next slot
 * in one atomic statement (next_at = max(next_at, now) + spacing, the slot granted being the
 * earlier value), so two workers never get the same slot, whichever process or host they run in.
 *
 * "Now" is the database's clock, and the wait comes back relative to it: on PostgreSQL the hosts'
 * clocks may disagree, and only the difference (the wait) travels, which each host then sleeps on
 * its own clock. On SQLite every process is on the one machine, whose clock the database reads.
 * The wait is returned, never slept here: the caller sleeps it, abortably.
 */
import { sql } from 'kysely';
import { backendOfDb, type Db } from './database';

/** The database's clock in ms since the epoch, read when the statement runs (not when its transaction began). */
const NOW_MS = {
  // clock_timestamp(): now() is the transaction's start, which a wait for the row lock would leave behind.
  postgres: sql<number>`(extract(epoch from clock_timestamp()) * 1000)::double precision`,
  // julianday('now') counts days from noon, 24 November 4714 BC; 2440587.5 of them fall before 1970.
  sqlite: sql<number>`((julianday('now') - 2440587.5) * 86400000.0)`,
};

/**
 * Takes `site`'s next request slot, `spacingMs` after the one before it (or now, when the site has
 * been idle that long). Returns how many ms the caller must wait before sending: 0 when the slot
 * is now.
 */
export async function takeSlot(db: Db, site: string, spacingMs: number): Promise<number> {
  if (typeof site !== 'string' || site === '')
    throw new RangeError(`site must be a site key, got ${JSON.stringify(site)}`);
  if (!(Number.isFinite(spacingMs) && spacingMs >= 0)) {
    throw new RangeError(`spacingMs must be a number of milliseconds ≥ 0, got ${String(spacingMs)}`);
  }
  const backend = backendOfDb(db);
  const now = NOW_MS[backend];
  const greatest = backend === 'postgres' ? sql.raw('greatest') : sql.raw('max');
  // A new row is the slot now (next_at: now + spacing); an existing one moves on from its next_at,
  // or from now when that has passed. The statement's own clock reading after the row is locked
  // (RETURNING) is what the wait is measured from.
  const row = await sql<{ next_at: number; now: number }>`
    INSERT INTO site_pace (site, next_at) VALUES (${site}, ${now} + ${spacingMs})
    ON CONFLICT (site) DO UPDATE SET next_at = ${greatest}(site_pace.next_at, ${now}) + ${spacingMs}
    RETURNING next_at, ${now} AS now`
    .execute(db)
    .then((result) => result.rows[0]);
  const granted = Number(row.next_at) - spacingMs;
  return Math.max(0, granted - Number(row.now));
}
