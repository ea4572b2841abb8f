/**
 * One row per fetch attempt of a page: what the metrics (pages/min, latency percentiles, success
 * rate) are computed from. A replayed attempt overwrites its own row instead of adding one.
 * Attempts are counted per page (nextAttempt), not per activity: a window activity's second
 * attempt fetches most of its pages for the first time.
 *
 * A page refused before any request (the host policy or robots.txt) has its row too, with the
 * refusal's class as error_type and its reason as error, and no status, latency or bytes. So does
 * a page that was fetched and then tried to go where the host policy refuses (a redirect hop off
 * the domain, a navigation its script started): error_type HostPolicyError, and the refused URL,
 * which was never requested, in the reason.
 */
import type { Db } from './database';
import { prepareQuery } from './prepared-query';

export interface PageAttempt {
  batchId: string;
  site: string;
  kind: 'listing' | 'detail';
  url: string;
  attempt: number;
  statusCode: number | null;
  latencyMs: number | null;
  bytes: number | null;
  listings: number;
  errorType: string | null;
  error: string | null;
}

type PageKey = Pick<PageAttempt, 'batchId' | 'site' | 'kind' | 'url'>;

const countAttempts = prepareQuery((db, page: PageKey) =>
  db
    .selectFrom('pages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('batch_id', '=', page.batchId)
    .where('site', '=', page.site)
    .where('kind', '=', page.kind)
    .where('url', '=', page.url),
);

/** The attempt number of the next fetch of a page in a batch: 1 + the attempts recorded so far. */
export async function nextAttempt(db: Db, page: PageKey): Promise<number> {
  const { rows } = await countAttempts.execute(db, page);
  return rows[0].n + 1;
}

const writeAttempt = prepareQuery((db, page: PageAttempt & { fetchedAt: string }) =>
  db
    .insertInto('pages')
    .values({
      batch_id: page.batchId,
      site: page.site,
      kind: page.kind,
      url: page.url,
      attempt: page.attempt,
      status_code: page.statusCode,
      latency_ms: page.latencyMs,
      bytes: page.bytes,
      listings: page.listings,
      error_type: page.errorType,
      error: page.error,
      fetched_at: page.fetchedAt,
    })
    .onConflict((oc) =>
      oc.columns(['batch_id', 'site', 'kind', 'url', 'attempt']).doUpdateSet((eb) => ({
        status_code: eb.ref('excluded.status_code'),
        latency_ms: eb.ref('excluded.latency_ms'),
        bytes: eb.ref('excluded.bytes'),
        listings: eb.ref('excluded.listings'),
        error_type: eb.ref('excluded.error_type'),
        error: eb.ref('excluded.error'),
        fetched_at: eb.ref('excluded.fetched_at'),
      })),
    ),
);

export async function recordPage(db: Db, page: PageAttempt): Promise<void> {
  await writeAttempt.execute(db, { ...page, fetchedAt: new Date().toISOString() });
}

/**
 * Error types of the pages a policy refused: the host policy (HostPolicyError) and robots.txt
 * (RobotsDisallowedError). Such a row's URL was never requested, except a HostPolicyError row of a
 * page that was fetched and then led elsewhere (see above): there the refused URL is in the reason.
 */
export const POLICY_REFUSAL_ERROR_TYPES = ['HostPolicyError', 'RobotsDisallowedError'] as const;

export interface PolicyRefusal {
  site: string;
  kind: 'listing' | 'detail';
  url: string;
  errorType: (typeof POLICY_REFUSAL_ERROR_TYPES)[number];
  reason: string;
}

/** The page rows of a batch whose error is a refusal of the host policy or robots.txt, with their reasons, in the order they were met. */
export async function policyRefusals(db: Db, batchId: string): Promise<PolicyRefusal[]> {
  const rows = await db
    .selectFrom('pages')
    .select(['site', 'kind', 'url', 'error_type as errorType', 'error as reason'])
    .where('batch_id', '=', batchId)
    .where('error_type', 'in', POLICY_REFUSAL_ERROR_TYPES)
    .orderBy('fetched_at')
    .orderBy('id')
    .execute();
  return rows as PolicyRefusal[];
}
