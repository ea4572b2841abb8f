/** `orchestrator server start|stop|status|install`: the embedded Temporal dev server. */
import type { Command } from 'commander';
import { statusSubcommand, subcommand } from '../subcommand';
import { provisionTemporalCli } from '../../lib/temporal/cli-binary';
import { devServerStatus, startDevServer, stopDevServer } from '../../lib/temporal/dev-server';
import { devServerFiles, devServerSettings } from '../environment';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';

export function registerServerCommands(program: Command, globals: () => GlobalOptions): void {
  const server = subcommand(program, 'server', 'the embedded Temporal dev server (SQLite persistence, Web UI)', [
    'orchestrator server start',
    'orchestrator server status --json',
    'orchestrator server stop',
  ]);

  subcommand(server, 'install', 'find or build the Temporal CLI (builds it with Go the first time: a few minutes)', [
    'orchestrator server install',
    'TEMPORAL_CLI_PATH=/opt/temporal/temporal orchestrator server install   # use this binary',
  ]).action(async () => {
    const cli = await provisionTemporalCli({ onProgress: (line) => console.error(line) });
    console.log(`${cli.path} (${cli.source})`);
  });

  subcommand(server, 'start', 'start the dev server on 127.0.0.1, or reuse one already answering', [
    'orchestrator server start',
    'TEMPORAL_ADDRESS=127.0.0.1:7244 TEMPORAL_UI_PORT=8244 orchestrator server start',
  ]).action(async () => {
    const config = loadAppConfig(globals());
    const cli = await provisionTemporalCli({ onProgress: (line) => console.error(line) });
    const result = await startDevServer(devServerSettings(config), devServerFiles(config, cli.path));
    console.log(
      result.reused
        ? `Temporal already answers at ${config.temporal.address}: reusing it.`
        : `Temporal dev server started (pid ${result.pid}) at ${config.temporal.address}, database ${config.temporal.dbFile}.`,
    );
    console.log(`Web UI: http://127.0.0.1:${config.temporal.uiPort}`);
  });

  subcommand(server, 'stop', 'stop the dev server this project started', [
    'orchestrator server stop',
    'orchestrator --config other.yaml server stop',
  ]).action(async () => {
    const config = loadAppConfig(globals());
    const result = await stopDevServer(devServerSettings(config), devServerFiles(config));
    const messages = {
      stopped: 'Temporal dev server stopped.',
      'not-running': 'No Temporal dev server is running.',
      'not-ours': `A Temporal server answers at ${config.temporal.address}, but this project did not start it: left running.`,
    };
    console.log(messages[result]);
  });

  statusSubcommand(
    server,
    'is the server answering, and where; exit 1 when it is not',
    () => {
      const config = loadAppConfig(globals());
      return devServerStatus(devServerSettings(config), devServerFiles(config));
    },
    (status) => [
      status.serving
        ? `SERVING at ${status.address}${status.pid ? ` (pid ${status.pid})` : ''}; Web UI ${status.uiUrl}`
        : `not running (${status.address})`,
    ],
  );
}
