/**
 * A store for the dashboard's query tests, written through the store's own functions, with the
 * first/last-seen times and transition times set by hand where the figures depend on them.
 *
 * b1 (2025-11-01 06:00): lamudi completes; trovit completes.
 *   lamudi  a  CDMX house sale  100 MXN  built 10 m²
 *           b  CDMX house sale  200 MXN  built 20 m²
 *           c  CDMX house sale  400 MXN  no area          (first seen 2025-10-01, gone in b2: 31 days listed)
 *           e  CDMX house sale  no price
 *           h  Puebla apartment rent  200 MXN
 *           i  Puebla apartment rent  1000 MXN
 *           j  Puebla apartment rent  50 MXN              (first seen 2025-10-30, gone in b2: 2 days listed)
 *   trovit  t  CDMX house sale  900 MXN                   (trovit fails in b2: never counted removed)
 * b2 (2025-11-02 06:00): lamudi completes (its main task ran 06:00:10 → 06:01:40), trovit fails.
 *   lamudi  a 150 (+50%), b 200, f CDMX house sale 300 MXN land 30 m², g CDMX house sale 500 MXN
 *           built 25 m², k CDMX house sale 100 USD, e, h 180 (−10%), i 60 USD (a currency switch)
 */
import type { ListingRecord } from '../../lib/record/listing-record';
import { setBatchStatus, taskId } from '../../lib/store/batches';
import type { Db } from '../../lib/store/database';
import { upsertCards } from '../../lib/store/listings';
import { addBatch, card, finishSite, page } from './store-fixture';

const house = { city: 'CDMX', propertyType: 'house', operation: 'sale' } as const;
const flat = { city: 'Puebla', propertyType: 'apartment', operation: 'rent' } as const;

function at(site: string, id: string, price: number | null, extra: Partial<ListingRecord>): ListingRecord {
  return card(site, id, price, extra);
}

export async function marketHistory(db: Db): Promise<void> {
  await addBatch(db, 'b1', ['lamudi', 'trovit'], '2025-11-01T06:00:00.000Z');
  await upsertCards(db, 'b1', [
    at('lamudi', 'a', 100, { ...house, builtAreaM2: 10 }),
    at('lamudi', 'b', 200, { ...house, builtAreaM2: 20 }),
    at('lamudi', 'c', 400, house),
    at('lamudi', 'e', null, house),
    at('lamudi', 'h', 200, flat),
    at('lamudi', 'i', 1000, flat),
    at('lamudi', 'j', 50, flat),
  ]);
  await upsertCards(db, 'b1', [at('trovit', 't', 900, house)]);
  await page(db, 'b1', 'lamudi', 'https://www.lamudi.com.mx/p1', 100);
  await finishSite(db, 'b1', 'lamudi', 'completed');
  await finishSite(db, 'b1', 'trovit', 'completed');
  await setBatchStatus(db, 'b1', 'completed');
  const seen = (externalId: string, firstSeenAt: string, lastSeenAt: string) =>
    db
      .updateTable('listings')
      .set({ first_seen_at: firstSeenAt, last_seen_at: lastSeenAt })
      .where('site', '=', 'lamudi')
      .where('external_id', '=', externalId)
      .execute();
  await seen('c', '2025-10-01T06:00:00.000Z', '2025-11-01T06:00:00.000Z');
  await seen('j', '2025-10-30T06:00:00.000Z', '2025-11-01T06:00:00.000Z');

  await addBatch(db, 'b2', ['lamudi', 'trovit'], '2025-11-02T06:00:00.000Z');
  await upsertCards(db, 'b2', [
    at('lamudi', 'a', 150, { ...house, builtAreaM2: 10 }),
    at('lamudi', 'b', 200, { ...house, builtAreaM2: 20 }),
    at('lamudi', 'f', 300, { ...house, landAreaM2: 30 }),
    at('lamudi', 'g', 500, { ...house, builtAreaM2: 25 }),
    at('lamudi', 'k', 100, { ...house, currency: 'USD' }),
    at('lamudi', 'e', null, house),
    at('lamudi', 'h', 180, flat),
    at('lamudi', 'i', 60, { ...flat, currency: 'USD' }),
  ]);
  await page(db, 'b2', 'lamudi', 'https://www.lamudi.com.mx/p1', 100);
  await page(db, 'b2', 'trovit', 'https://casas.trovit.com.mx/p1', null, 'ServerError');
  await finishSite(db, 'b2', 'lamudi', 'completed');
  await finishSite(db, 'b2', 'trovit', 'failed', 'ServerError: 500');
  await setBatchStatus(db, 'b2', 'completed_with_errors');
  const moved = (toState: 'running' | 'completed', time: string) =>
    db
      .updateTable('task_transitions')
      .set({ at: time })
      .where('task_id', '=', taskId('b2', 'lamudi', 'main'))
      .where('to_state', '=', toState)
      .execute();
  await moved('running', '2025-11-02T06:00:10.000Z');
  await moved('completed', '2025-11-02T06:01:40.000Z');
  await db.updateTable('batches').set({ finished_at: '2025-11-02T06:02:00.000Z' }).where('id', '=', 'b2').execute();
}

export const MARKET_BATCHES = [
  { id: 'b1', createdAt: '2025-11-01T06:00:00.000Z' },
  { id: 'b2', createdAt: '2025-11-02T06:00:00.000Z' },
];
