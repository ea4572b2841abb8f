/**
 * Standalone mirror: `tsx mirror/main.ts --port 8799 --seed 1 --pages 3` (or MIRROR_PORT,
 * MIRROR_SEED, MIRROR_PAGES). Prints the URL as its first stdout line so a script can read it,
 * and closes on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_MIRROR_SEED, DEFAULT_PAGES_PER_SEARCH, startMirror } from './server';

function integer(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      pages: { type: 'string' },
    },
  });
  const server = await startMirror({
    port: integer('--port', values.port ?? process.env.MIRROR_PORT, 0),
    host: values.host ?? process.env.MIRROR_HOST ?? '127.0.0.1',
    seed: integer('--seed', values.seed ?? process.env.MIRROR_SEED, DEFAULT_MIRROR_SEED),
    pagesPerSearch: integer('--pages', values.pages ?? process.env.MIRROR_PAGES, DEFAULT_PAGES_PER_SEARCH),
  });
  console.log(server.url);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
