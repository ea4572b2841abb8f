/** `orchestrator dashboard`: the read-only web app over the store (client/dashboard/server.ts) until Ctrl-C. */
import type { Command } from 'commander';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';
import { startDashboard } from '../dashboard/server';
import { subcommand } from '../subcommand';

export function registerDashboardCommand(program: Command, globals: () => GlobalOptions): void {
  subcommand(
    program,
    'dashboard',
    'a read-only web app over the database: runs, market, data health, listings (127.0.0.1 only)',
    [
      'orchestrator dashboard                 # http://127.0.0.1:8484 (dashboard.port)',
      "orchestrator --mirror dashboard        # over the mirror runs' database",
    ],
  ).action(async () => {
    const dashboard = await startDashboard(loadAppConfig(globals()));
    console.log(`Dashboard on ${dashboard.url} (read-only). Ctrl-C stops it.`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop).off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop).on('SIGTERM', stop);
    });
    await dashboard.close();
  });
}
