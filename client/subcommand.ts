/**
 * How every command of the CLI is declared: its name, a line saying what it does, and the
 * invocations its --help ends with, under "Examples:" (the root command's own list is in cli.ts).
 */
import type { Command } from 'commander';
import { printJson } from './output';

export function subcommand(parent: Command, name: string, description: string, examples: readonly string[]): Command {
  return parent
    .command(name)
    .description(description)
    .addHelpText('after', `\nExamples:\n${examples.map((example) => `  ${example}`).join('\n')}`);
}

/**
 * `<parent> status` of a server the project runs (the dev server, the cluster): the status as JSON
 * with --json, else its lines; exit 1 unless it is serving.
 */
export function statusSubcommand<Status extends { serving: boolean }>(
  parent: Command,
  description: string,
  read: () => Promise<Status>,
  lines: (status: Status) => string[],
): Command {
  const usage = `orchestrator ${parent.name()} status`;
  return subcommand(parent, 'status', description, [usage, `${usage} --json`])
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const status = await read();
      if (!status.serving) process.exitCode = 1;
      if (options.json) return printJson(status);
      for (const line of lines(status)) console.log(line);
    });
}
