/**
 * How every command of the CLI is declared: its name, a line saying what it does, and the
 * invocations its --help ends with, under "Examples:" (the root command's own list is in cli.ts).
 */
import type { Command } from 'commander';

export function subcommand(parent: Command, name: string, description: string, examples: readonly string[]): Command {
  return parent
    .command(name)
    .description(description)
    .addHelpText('after', `\nExamples:\n${examples.map((example) => `  ${example}`).join('\n')}`);
}
