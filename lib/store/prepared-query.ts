/**
 * Queries of a fixed shape, built and compiled once per backend and then run with new values
 * (Kysely's recipe "splitting query building and execution": a compiled query is executed with
 * `db.executeQuery`). Kysely builds and compiles a query's tree on every call; on the page path
 * (a page's attempt, its detail entry, a listing's merge: several queries per page) that work cost
 * the worker about 0.4 s of CPU per 1,000 pages, as much as the SQLite statements themselves.
 *
 * The query is built with slots in place of its values: each slot becomes one bound parameter, and
 * each run puts the values in their places. A query built from slots has the same text whatever
 * the values, so it suits only statements whose shape never varies (no IN lists, no optional
 * clauses).
 */
import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import { backendOfDb, type Backend, type Db } from './database';

/** A stand-in for the value named `name`, bound as a parameter when the query runs. */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * The values' object as the builder sees it: each property read gives that value's slot. Its keys
 * cannot be listed: given whole (`.values(row)`), it would make a query of no columns.
 */
function slotsFor<V extends object>(): V {
  return new Proxy({} as V, {
    get: (_target, name) => (typeof name === 'string' ? new Slot(name) : undefined),
    ownKeys: () => {
      throw new Error('prepared query: name each value (values.x), not the values object whole');
    },
  });
}

export interface PreparedQuery<V extends object, O> {
  /** Run the query with these values, in `db` (a store or a transaction of it). */
  execute(db: Db, values: V): Promise<QueryResult<O>>;
}

export function prepareQuery<V extends object, O>(build: (db: Db, values: V) => Compilable<O>): PreparedQuery<V, O> {
  const compiled = new Map<Backend, CompiledQuery<O>>();
  return {
    async execute(db, values) {
      const backend = backendOfDb(db);
      let query = compiled.get(backend);
      if (!query) {
        query = build(db, slotsFor<V>()).compile();
        compiled.set(backend, query);
      }
      const parameters = query.parameters.map((parameter) => {
        if (!(parameter instanceof Slot)) return parameter;
        const value = (values as Record<string, unknown>)[parameter.name];
        // SQL has no undefined: a value left out is a mistake here, not a NULL.
        if (value === undefined) throw new Error(`prepared query: no value for "${parameter.name}"`);
        return value;
      });
      return db.executeQuery({ ...query, parameters });
    },
  };
}
