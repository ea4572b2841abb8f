/**
 * `orchestrator worker` as bin/orchestrator starts it (bin/worker.js, under the worker's settings,
 * workers/launch-settings.ts): the worker command without the rest of the command line. The worker's
 * main thread holds every module it has loaded for as long as it runs, and its old generation
 * grows to twice what it holds, so the CLI's other commands (commander, the PostgreSQL driver of
 * `orchestrator cluster`, the client's commands) stay out of it, and so does the configuration's
 * loader: the launcher loaded and checked the configuration and handed it on (workers/launched.ts).
 * The command is logged and its errors told as every command's are (client/cli-log.ts).
 */
import type { GlobalOptions } from '../lib/config/profile';
import type { AppConfig } from '../lib/config/types';
import { commandLine, launchedConfig } from '../workers/launched';
import { runLaunchedWorker } from '../workers/main';
import { cliLog, logCommandStarted, openCliLog, reportCommandError } from './cli-log';

/** Loaded here only when the launcher could not hand it on (too large for the environment). */
function loadConfigHere(globals: GlobalOptions): AppConfig {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, on purpose
  return (require('../lib/config/profile') as typeof import('../lib/config/profile')).loadAppConfig(globals);
}

export async function main(args: string[] = process.argv.slice(2)): Promise<void> {
  const { globals, command, rest } = commandLine(args);
  // bin/orchestrator comes here for `worker` alone (workerLaunchCommand); anything else is the CLI's.
  if (command !== 'worker' || rest.length > 0)
    throw new Error(`bin/worker.js starts \`orchestrator worker\` only, not \`orchestrator ${args.join(' ')}\``);
  try {
    const config = launchedConfig() ?? loadConfigHere(globals);
    openCliLog(config);
    logCommandStarted('worker', [], {}, globals);
    await runLaunchedWorker(config);
    cliLog().info({ exitCode: Number(process.exitCode ?? 0) }, 'command finished');
  } catch (error) {
    const code = reportCommandError(error);
    if (code === null) throw error;
    process.exitCode = code;
  }
}
