/**
 * Versioned schema migrations, written once with the query builder's schema API so that the same
 * definition creates the same tables on SQLite and on PostgreSQL. Append new versions; never edit an
 * applied one (a SQLite database made before the builder was used has version 1 from the same
 * tables written as SQL, so version 1 below must keep describing exactly those tables).
 */
import {
  sql,
  type ColumnBuilderCallback,
  type ColumnDataType,
  type ColumnDefinitionBuilder,
  type CreateTableBuilder,
  type Kysely,
} from 'kysely';
import type { Backend } from './database-url';

export interface Migration {
  version: number;
  description: string;
  up(db: Kysely<unknown>, backend: Backend): Promise<void>;
}

/** An integer key the database numbers itself: SQLite's rowid alias, PostgreSQL's identity column. */
function withSerialId<T extends string>(table: CreateTableBuilder<T>, column: string, backend: Backend) {
  return backend === 'postgres'
    ? table.addColumn(column, 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn(column, 'integer', (col) => col.primaryKey());
}

// 'double precision' is PostgreSQL's 8-byte float (its `real` has 4 bytes, too few for prices);
// SQLite reads the same type name as REAL.
const DOUBLE = 'double precision';
const notNull = (col: ColumnDefinitionBuilder) => col.notNull();

/** Columns of one type and constraint (none: nullable), added in the order named: `table.$call(columns(…))`. */
function columns<N extends string>(type: ColumnDataType, names: readonly N[], build?: ColumnBuilderCallback) {
  return <T extends string, C extends string>(table: CreateTableBuilder<T, C>) =>
    names.reduce<CreateTableBuilder<T, C | N>>((built, name) => built.addColumn(name, type, build), table);
}

/** Text columns that must hold a value, in the order named. */
const requiredText = <N extends string>(...names: N[]) => columns('text', names, notNull);

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'batches, tasks, transitions, pages, listings, price history, detail queue, metrics, alerts',
    async up(db, backend) {
      await db.schema
        .createTable('batches')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('label', 'text')
        .addColumn('parent_batch_id', 'text', (col) => col.references('batches.id'))
        .$call(requiredText('status', 'sites', 'options'))
        .addColumn('workflow_id', 'text')
        .addColumn('created_at', 'text', notNull)
        .addColumn('finished_at', 'text')
        .addColumn('summary', 'text')
        .execute();

      await db.schema
        .createTable('tasks')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('batch_id', 'text', (col) => col.notNull().references('batches.id'))
        .addColumn('site', 'text', notNull)
        .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind IN ('main', 'detail')`))
        .addColumn('state', 'text', notNull)
        .addColumn('last_error', 'text')
        .$call(requiredText('created_at', 'updated_at'))
        .execute();
      await db.schema.createIndex('tasks_by_batch').on('tasks').column('batch_id').execute();

      await withSerialId(db.schema.createTable('task_transitions'), 'id', backend)
        .addColumn('task_id', 'text', (col) => col.notNull().references('tasks.id'))
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', notNull)
        .addColumn('reason', 'text')
        .addColumn('at', 'text', notNull)
        .execute();
      await db.schema.createIndex('transitions_by_task').on('task_transitions').columns(['task_id', 'id']).execute();

      await withSerialId(db.schema.createTable('pages'), 'id', backend)
        .$call(requiredText('batch_id', 'site', 'kind', 'url'))
        .addColumn('attempt', 'integer', notNull)
        .addColumn('status_code', 'integer')
        .addColumn('latency_ms', DOUBLE)
        .addColumn('bytes', 'integer')
        .addColumn('listings', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('error_type', 'text')
        .addColumn('error', 'text')
        .addColumn('fetched_at', 'text', notNull)
        .addUniqueConstraint('pages_attempt', ['batch_id', 'site', 'kind', 'url', 'attempt'])
        .execute();
      await db.schema.createIndex('pages_by_batch_site').on('pages').columns(['batch_id', 'site']).execute();

      await db.schema
        .createTable('listings')
        .$call(requiredText('site', 'external_id', 'url'))
        .$call(columns('text', ['title', 'operation', 'property_type']))
        .addColumn('price', DOUBLE)
        .addColumn('currency', 'text')
        .addColumn('price_on_request', 'integer', (col) => col.notNull().defaultTo(0))
        .$call(columns(DOUBLE, ['bedrooms', 'bathrooms', 'parking_spaces', 'built_area_m2', 'land_area_m2']))
        .$call(columns('text', ['neighborhood', 'city', 'state', 'address']))
        .addColumn('lat', DOUBLE)
        .addColumn('lng', DOUBLE)
        .addColumn('description', 'text')
        .addColumn('images', 'text', (col) => col.notNull().defaultTo('[]'))
        .addColumn('publisher', 'text')
        .addColumn('published_at', 'text')
        .addColumn('origin_url', 'text')
        .$call(requiredText('card_hash', 'first_batch_id', 'last_batch_id'))
        .addColumn('detail_batch_id', 'text')
        .$call(requiredText('first_seen_at', 'last_seen_at'))
        .addPrimaryKeyConstraint('listings_pk', ['site', 'external_id'])
        .execute();

      await db.schema
        .createTable('batch_listings')
        .$call(requiredText('batch_id', 'site', 'external_id'))
        .addColumn('change', 'text', (col) => col.notNull().check(sql`change IN ('new', 'updated', 'unchanged')`))
        .addPrimaryKeyConstraint('batch_listings_pk', ['batch_id', 'site', 'external_id'])
        .execute();

      await db.schema
        .createTable('price_history')
        .$call(requiredText('site', 'external_id', 'batch_id'))
        .addColumn('old_price', DOUBLE)
        .addColumn('old_currency', 'text')
        .addColumn('price', DOUBLE)
        .addColumn('currency', 'text')
        .addColumn('observed_at', 'text', notNull)
        .addPrimaryKeyConstraint('price_history_pk', ['site', 'external_id', 'batch_id'])
        .execute();

      await withSerialId(db.schema.createTable('detail_queue'), 'seq', backend)
        .$call(requiredText('batch_id', 'site', 'url'))
        .addColumn('external_id', 'text')
        .addColumn('state', 'text', (col) =>
          col
            .notNull()
            .defaultTo('pending')
            .check(sql`state IN ('pending', 'done', 'failed', 'skipped')`),
        )
        .addColumn('error', 'text')
        .addColumn('updated_at', 'text', notNull)
        .addUniqueConstraint('detail_queue_url', ['batch_id', 'site', 'url'])
        .execute();
      await db.schema
        .createIndex('detail_queue_cursor')
        .on('detail_queue')
        .columns(['batch_id', 'site', 'seq'])
        .execute();

      await db.schema
        .createTable('site_metrics')
        .$call(requiredText('batch_id', 'site', 'metrics', 'computed_at'))
        .addPrimaryKeyConstraint('site_metrics_pk', ['batch_id', 'site'])
        .execute();

      await withSerialId(db.schema.createTable('alerts'), 'id', backend)
        .$call(requiredText('batch_id', 'site', 'kind', 'message', 'created_at'))
        .addUniqueConstraint('alerts_once', ['batch_id', 'site', 'kind'])
        .execute();
    },
  },
  {
    version: 2,
    description:
      "site_pace: each rate-limited site's next request slot, shared by every worker (lib/store/site-pace.ts)",
    async up(db) {
      await db.schema
        .createTable('site_pace')
        .addColumn('site', 'text', (col) => col.primaryKey())
        // Milliseconds since the epoch on the database's clock; a double, as the clock has fractions.
        .addColumn('next_at', DOUBLE, notNull)
        .execute();
    },
  },
];
