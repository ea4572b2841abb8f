/**
 * The politeness-ceiling run on its own (issue 15): N generic sites on the mirror, each limited to
 * P pages a second, scraped for S seconds by one worker process; prints the result as JSON.
 *
 *   npx tsx bench/politeness.ts                       # 20 sites × 2 pages/s for 120 s
 *   npx tsx bench/politeness.ts --seconds 20 --sites 10
 *
 * Its own Temporal dev server on 127.0.0.1:17934 (UI 18934, in memory), apart from `npm run bench`'s
 * 17933; everything else in a scratch folder under the OS temp dir, removed at the end (--keep
 * keeps it, with the worker's log).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserInputError } from '../lib/errors';
import { provisionTemporalCli } from '../lib/temporal/cli-binary';
import { MAX_GENERIC_PORTAL_COUNT } from '../mirror/sites/generic-portals';
import { machineInfo } from './lib/machine';
import { parseBenchArgs, positive } from './lib/options';
import { runPoliteness } from './lib/politeness';
import { BenchServers } from './lib/servers';

async function main(): Promise<void> {
  const { values } = parseBenchArgs({
    options: {
      seconds: { type: 'string', default: '120' },
      sites: { type: 'string', default: '20' },
      'pages-per-second': { type: 'string', default: '2' },
      port: { type: 'string', default: '17934' },
      'ui-port': { type: 'string', default: '18934' },
      keep: { type: 'boolean', default: false },
    },
  });
  const seconds = positive('seconds', values.seconds, false);
  const sites = positive('sites', values.sites, true, MAX_GENERIC_PORTAL_COUNT);
  const pagesPerSecond = positive('pages-per-second', values['pages-per-second'], false);
  const port = positive('port', values.port, true, 65535);
  const uiPort = positive('ui-port', values['ui-port'], true, 65535);
  if ([7233, 17233, 17933].includes(port))
    throw new UserInputError(`--port: ${port} belongs to the demo, the tests or npm run bench: pick another`);
  const log = (line: string) => console.error(line);

  const scratch = mkdtempSync(join(tmpdir(), 'orchestrator-politeness-'));
  const cli = await provisionTemporalCli({ onProgress: log });
  const servers = new BenchServers(cli.path, scratch, {
    address: `127.0.0.1:${port}`,
    namespace: 'default',
    uiPort,
    dbFile: null,
    retentionHours: 24,
  });
  const stopServer = async () => {
    await servers.stop().catch(() => undefined);
    if (values.keep) log(`scratch folder kept: ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  };
  // The dev server runs detached: an interrupted run stops it rather than leave it for the next run to reuse unmeasured.
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the dev server …`);
    void stopServer().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const server = await servers.fresh(log);
    const result = await runPoliteness({
      address: `127.0.0.1:${port}`,
      serverPid: server.pid,
      scratch,
      sites,
      pagesPerSecond,
      seconds,
      log,
    });
    console.log(JSON.stringify({ machine: machineInfo(), ...result }, null, 2));
  } finally {
    await stopServer();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UserInputError ? error.message : error instanceof Error ? error.stack : String(error));
  process.exitCode = 1;
});
