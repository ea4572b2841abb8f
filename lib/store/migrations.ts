/**
 * Versioned schema migrations. Append new versions; never edit an applied one.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'batches, tasks, transitions, pages, listings, price history, detail queue, metrics, alerts',
    sql: `
      CREATE TABLE batches (
        id              TEXT PRIMARY KEY,
        label           TEXT,
        parent_batch_id TEXT REFERENCES batches(id),
        status          TEXT NOT NULL,
        sites           TEXT NOT NULL,          -- JSON array of site keys, in start order
        options         TEXT NOT NULL,          -- JSON of the batch input
        workflow_id     TEXT,
        created_at      TEXT NOT NULL,
        finished_at     TEXT,
        summary         TEXT                    -- JSON, set by finalization
      );

      -- A task is one site's main scraping or its detail scraping in one batch.
      CREATE TABLE tasks (
        id         TEXT PRIMARY KEY,            -- batchId/site/kind
        batch_id   TEXT NOT NULL REFERENCES batches(id),
        site       TEXT NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('main', 'detail')),
        state      TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX tasks_by_batch ON tasks(batch_id);

      CREATE TABLE task_transitions (
        id         INTEGER PRIMARY KEY,
        task_id    TEXT NOT NULL REFERENCES tasks(id),
        from_state TEXT,
        to_state   TEXT NOT NULL,
        reason     TEXT,
        at         TEXT NOT NULL
      );
      CREATE INDEX transitions_by_task ON task_transitions(task_id, id);

      -- One row per fetch attempt of a page; a replayed attempt overwrites its own row.
      CREATE TABLE pages (
        id          INTEGER PRIMARY KEY,
        batch_id    TEXT NOT NULL,
        site        TEXT NOT NULL,
        kind        TEXT NOT NULL,              -- listing | detail
        url         TEXT NOT NULL,
        attempt     INTEGER NOT NULL,
        status_code INTEGER,
        latency_ms  REAL,
        bytes       INTEGER,
        listings    INTEGER NOT NULL DEFAULT 0,
        error_type  TEXT,
        error       TEXT,
        fetched_at  TEXT NOT NULL,
        UNIQUE (batch_id, site, kind, url, attempt)
      );
      CREATE INDEX pages_by_batch_site ON pages(batch_id, site);

      CREATE TABLE listings (
        site             TEXT NOT NULL,
        external_id      TEXT NOT NULL,
        url              TEXT NOT NULL,
        title            TEXT,
        operation        TEXT,
        property_type    TEXT,
        price            REAL,
        currency         TEXT,
        price_on_request INTEGER NOT NULL DEFAULT 0,
        bedrooms         REAL,
        bathrooms        REAL,
        parking_spaces   REAL,
        built_area_m2    REAL,
        land_area_m2     REAL,
        neighborhood     TEXT,
        city             TEXT,
        state            TEXT,
        address          TEXT,
        lat              REAL,
        lng              REAL,
        description      TEXT,
        images           TEXT NOT NULL DEFAULT '[]',
        publisher        TEXT,
        published_at     TEXT,
        origin_url       TEXT,
        card_hash        TEXT NOT NULL,         -- hash of the card record: what "updated" compares
        first_batch_id   TEXT NOT NULL,
        last_batch_id    TEXT NOT NULL,
        detail_batch_id  TEXT,
        first_seen_at    TEXT NOT NULL,
        last_seen_at     TEXT NOT NULL,
        PRIMARY KEY (site, external_id)
      );

      -- What each batch saw of each listing, classified once: a retried page keeps the first verdict.
      CREATE TABLE batch_listings (
        batch_id    TEXT NOT NULL,
        site        TEXT NOT NULL,
        external_id TEXT NOT NULL,
        change      TEXT NOT NULL CHECK (change IN ('new', 'updated', 'unchanged')),
        PRIMARY KEY (batch_id, site, external_id)
      );

      CREATE TABLE price_history (
        site        TEXT NOT NULL,
        external_id TEXT NOT NULL,
        batch_id    TEXT NOT NULL,
        old_price   REAL,
        old_currency TEXT,
        price       REAL,
        currency    TEXT,
        observed_at TEXT NOT NULL,
        PRIMARY KEY (site, external_id, batch_id)
      );

      -- Detail URLs travel through this table, never through workflow history.
      CREATE TABLE detail_queue (
        seq         INTEGER PRIMARY KEY,
        batch_id    TEXT NOT NULL,
        site        TEXT NOT NULL,
        url         TEXT NOT NULL,
        external_id TEXT,
        state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed', 'skipped')),
        error       TEXT,
        updated_at  TEXT NOT NULL,
        UNIQUE (batch_id, site, url)
      );
      CREATE INDEX detail_queue_cursor ON detail_queue(batch_id, site, seq);

      CREATE TABLE site_metrics (
        batch_id          TEXT NOT NULL,
        site              TEXT NOT NULL,
        metrics           TEXT NOT NULL,        -- JSON of SiteMetrics
        computed_at       TEXT NOT NULL,
        PRIMARY KEY (batch_id, site)
      );

      CREATE TABLE alerts (
        id         INTEGER PRIMARY KEY,
        batch_id   TEXT NOT NULL,
        site       TEXT NOT NULL,
        kind       TEXT NOT NULL,
        message    TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (batch_id, site, kind)
      );
    `,
  },
];
