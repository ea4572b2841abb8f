/** `orchestrator validate`: the setup checklist (client/validation.ts); exit 1 naming every failed check. */
import type { Command } from 'commander';
import { subcommand } from '../subcommand';
import { DEFAULT_MIN_FREE_MB, failureSummary, renderChecks, validateSetup } from '../validation';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';
import { printJson } from '../output';
import { parsePositiveInt } from './run';

export function registerValidateCommand(program: Command, globals: () => GlobalOptions): void {
  subcommand(
    program,
    'validate',
    'check the setup: config, start URLs, database schema, Temporal server, Temporal CLI, disk space',
    [
      'orchestrator validate',
      'orchestrator --config /etc/orchestrator.yaml validate --json',
      'orchestrator validate --min-free-mb 5000',
    ],
  )
    .option(
      '--min-free-mb <n>',
      `free disk space the data folder needs, in MiB (default ${DEFAULT_MIN_FREE_MB})`,
      parsePositiveInt,
    )
    .option('--json', 'print JSON')
    .action(async (options: { minFreeMb?: number; json?: boolean }) => {
      const results = await validateSetup(() => loadAppConfig(globals()), {
        minFreeMb: options.minFreeMb ?? DEFAULT_MIN_FREE_MB,
      });
      const failure = failureSummary(results);
      if (options.json) printJson({ ok: failure === null, checks: results });
      else console.log(renderChecks(results));
      if (failure) throw failure;
    });
}
