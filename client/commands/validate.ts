/** `orchestrator validate`: the setup checklist (client/validation.ts); exit 1 naming every failed check. */
import type { Command } from 'commander';
import { DEFAULT_MIN_FREE_MB, failureSummary, renderChecks, validateSetup } from '../validation';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';
import { printJson } from '../output';
import { parsePositiveInt } from './run';

export function registerValidateCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('validate')
    .description('check the setup: config, start URLs, database schema, Temporal server, Temporal CLI, disk space')
    .option(
      '--min-free-mb <n>',
      `free disk space the data folder needs, in MiB (default ${DEFAULT_MIN_FREE_MB})`,
      parsePositiveInt,
    )
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  orchestrator validate\n  orchestrator --config /etc/orchestrator.yaml validate --json\n  orchestrator validate --min-free-mb 5000',
    )
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
