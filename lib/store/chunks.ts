/**
 * Long value lists are written and looked up in chunks, so that an IN list or a multi-row insert
 * stays well under both backends' limits on bound parameters (SQLite 32,766; PostgreSQL 65,535).
 */
const CHUNK_SIZE = 500;

export function chunks<T>(items: readonly T[], size = CHUNK_SIZE): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
