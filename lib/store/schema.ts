/**
 * The store's tables as the typed query builder (Kysely) sees them: one description that both
 * backends share, so a column misspelt in a query is a compile error on either. Columns hold what
 * both SQLite and PostgreSQL store alike: text (ISO timestamps, JSON), integers and doubles.
 */
import type { Generated } from 'kysely';
import type { BatchStatus, TaskKind, TaskState } from '../contract/statuses';
import type { ListingRecord } from '../record/listing-record';

export interface BatchesTable {
  id: string;
  label: string | null;
  parent_batch_id: string | null;
  status: BatchStatus;
  /** JSON array of site keys, in start order. */
  sites: string;
  /** JSON of the batch input. */
  options: string;
  workflow_id: string | null;
  created_at: string;
  finished_at: string | null;
  /** JSON, set by finalization. */
  summary: string | null;
}

/** A task is one site's main scraping or its detail scraping in one batch. */
export interface TasksTable {
  /** batchId/site/kind */
  id: string;
  batch_id: string;
  site: string;
  kind: TaskKind;
  state: TaskState;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface TaskTransitionsTable {
  id: Generated<number>;
  task_id: string;
  from_state: TaskState | null;
  to_state: TaskState;
  reason: string | null;
  at: string;
}

/** One row per fetch attempt of a page; a replayed attempt overwrites its own row. */
export interface PagesTable {
  id: Generated<number>;
  batch_id: string;
  site: string;
  kind: 'listing' | 'detail';
  url: string;
  attempt: number;
  status_code: number | null;
  latency_ms: number | null;
  bytes: number | null;
  listings: Generated<number>;
  error_type: string | null;
  error: string | null;
  fetched_at: string;
}

/** A record field's column: the field's name in snake_case (builtAreaM2 → built_area_m2). */
type ColumnOf<Field extends string> = Field extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${ColumnOf<Tail>}`
  : Field;

/** The record's fields stored as they are, each in its column. */
type RecordColumns = {
  [Field in Exclude<keyof ListingRecord, 'priceOnRequest' | 'images'> as ColumnOf<Field>]: ListingRecord[Field];
};

/** A listing: its record's fields (ListingRecord), and what the store keeps about it. */
export interface ListingsTable extends RecordColumns {
  /** 0 or 1. */
  price_on_request: Generated<number>;
  /** JSON array of URLs. */
  images: Generated<string>;
  /** Hash of the card record: what "updated" compares. */
  card_hash: string;
  first_batch_id: string;
  last_batch_id: string;
  detail_batch_id: string | null;
  first_seen_at: string;
  last_seen_at: string;
}

/** What each batch saw of each listing, classified once: a retried page keeps the first verdict. */
export interface BatchListingsTable {
  batch_id: string;
  site: string;
  external_id: string;
  change: 'new' | 'updated' | 'unchanged';
}

export interface PriceHistoryTable {
  site: string;
  external_id: string;
  batch_id: string;
  old_price: number | null;
  old_currency: string | null;
  price: number | null;
  currency: string | null;
  observed_at: string;
}

export type DetailState = 'pending' | 'done' | 'failed' | 'skipped';

/** Detail URLs travel through this table, never through workflow history. */
export interface DetailQueueTable {
  seq: Generated<number>;
  batch_id: string;
  site: string;
  url: string;
  external_id: string | null;
  state: Generated<DetailState>;
  error: string | null;
  updated_at: string;
}

export interface SiteMetricsTable {
  batch_id: string;
  site: string;
  /** JSON of SiteMetrics. */
  metrics: string;
  computed_at: string;
}

export interface AlertsTable {
  id: Generated<number>;
  batch_id: string;
  site: string;
  kind: string;
  message: string;
  created_at: string;
}

/**
 * A rate-limited site's pace across every worker process and host: the earliest instant its next
 * request may go (lib/store/site-pace.ts).
 */
export interface SitePaceTable {
  site: string;
  /** Milliseconds since the epoch, on the database's clock. */
  next_at: number;
}

export interface SchemaMigrationsTable {
  version: number;
  description: string | null;
  applied_at: string;
}

export interface StoreSchema {
  batches: BatchesTable;
  tasks: TasksTable;
  task_transitions: TaskTransitionsTable;
  pages: PagesTable;
  listings: ListingsTable;
  batch_listings: BatchListingsTable;
  price_history: PriceHistoryTable;
  detail_queue: DetailQueueTable;
  site_metrics: SiteMetricsTable;
  alerts: AlertsTable;
  site_pace: SitePaceTable;
  schema_migrations: SchemaMigrationsTable;
}
