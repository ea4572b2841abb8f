/**
 * `orchestrator menu`: the commands as a numbered menu, for operators who would rather not
 * remember flags. It reads plain lines from stdin (a choice, then one answer per prompt), so it
 * works in any terminal and a script or test can pipe its answers in. Each choice runs the same
 * command the CLI would, in this process; `q` (or the end of input) quits.
 */
import type { Command } from 'commander';
import { subcommand } from '../subcommand';
import { createInterface } from 'node:readline';

/** Ask one question; null when the input has ended. */
export type Ask = (question: string) => Promise<string | null>;

export interface MenuItem {
  label: string;
  /** The command's arguments from the answers; null to go back to the menu. */
  build(ask: Ask): Promise<string[] | null>;
}

/** Runs one command's arguments in this process; resolves with its exit code. */
export type CommandRunner = (args: string[]) => Promise<number>;

/** Ask for a required value; an empty answer asks again, the end of input gives null. */
async function required(ask: Ask, question: string): Promise<string | null> {
  for (;;) {
    const answer = await ask(question);
    if (answer === null || answer.trim() !== '') return answer?.trim() ?? null;
  }
}

/** One question of a menu item: its answer goes after `flag`, or stands alone without one. */
interface Prompt {
  question: string;
  flag?: string;
  /** Asked again until answered; the end of input goes back to the menu. Otherwise an empty answer adds nothing. */
  required?: boolean;
}

/** A menu item's arguments: `command`, then each prompt's answer in turn. */
const asking =
  (command: string[], ...prompts: Prompt[]): MenuItem['build'] =>
  async (ask) => {
    const args = [...command];
    for (const prompt of prompts) {
      const answer = prompt.required ? await required(ask, prompt.question) : (await ask(prompt.question))?.trim();
      if (prompt.required && answer == null) return null;
      if (answer) args.push(...(prompt.flag ? [prompt.flag, answer] : [answer]));
    }
    return args;
  };

const BATCH_ID: Prompt = { question: 'batch id: ', required: true };

export const MENU_ITEMS: readonly MenuItem[] = [
  {
    label: 'run a batch',
    build: asking(
      ['run'],
      { question: 'sites (comma-separated, empty = all enabled): ', flag: '--sites' },
      { question: 'max pages per start URL (empty = as configured): ', flag: '--max-pages' },
    ),
  },
  { label: 'list batches', build: asking(['list']) },
  { label: 'status of a batch', build: asking(['status'], BATCH_ID) },
  { label: 'watch a running batch (Ctrl-C to stop watching)', build: asking(['watch'], BATCH_ID) },
  { label: 'report of a batch', build: asking(['report'], BATCH_ID) },
  { label: 'cancel a batch', build: asking(['cancel'], BATCH_ID) },
  { label: "retry a batch's failed sites", build: asking(['retry'], BATCH_ID) },
  {
    label: 'export listings',
    build: asking(
      ['export'],
      { question: 'file name in the exports folder (.csv, .json or .jsonl): ', flag: '--out', required: true },
      { question: 'site (empty = all): ', flag: '--site' },
      { question: 'batch (empty = all): ', flag: '--batch' },
    ),
  },
  { label: 'list schedules', build: asking(['schedule', 'list']) },
  {
    label: 'create a schedule',
    build: asking(
      ['schedule', 'create'],
      { question: 'cron (e.g. 0 6 * * *): ', flag: '--cron', required: true },
      { question: 'time zone (empty = America/Mexico_City): ', flag: '--timezone' },
      { question: 'schedule id (empty = daily-batch): ', flag: '--id' },
    ),
  },
  { label: 'validate the setup', build: asking(['validate']) },
  { label: 'back up the database', build: asking(['backup']) },
  { label: 'Temporal server status', build: asking(['server', 'status']) },
];

export function renderMenu(items: readonly MenuItem[]): string {
  return [
    '',
    'orchestrator menu',
    ...items.map((item, index) => `  ${String(index + 1).padStart(2)}  ${item.label}`),
    '   q  quit',
  ].join('\n');
}

/** Lines of a stream, one per ask; null once it has ended. */
export function lineReader(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): { ask: Ask; close(): void } {
  const rl = createInterface({ input, terminal: false });
  const lines: string[] = [];
  const waiting: Array<(line: string | null) => void> = [];
  let ended = false;
  rl.on('line', (line) => (waiting.length ? waiting.shift()!(line) : lines.push(line)));
  rl.on('close', () => {
    ended = true;
    while (waiting.length) waiting.shift()!(null);
  });
  return {
    ask(question) {
      output.write(question);
      if (lines.length) return Promise.resolve(lines.shift()!);
      if (ended) return Promise.resolve(null);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => rl.close(),
  };
}

export async function runMenu(ask: Ask, runCommand: CommandRunner, write: (text: string) => void): Promise<void> {
  for (;;) {
    write(`${renderMenu(MENU_ITEMS)}\n`);
    const choice = (await ask('choice: '))?.trim();
    if (choice === undefined || choice.toLowerCase() === 'q') return;
    const item = MENU_ITEMS[Number(choice) - 1];
    if (!/^\d+$/.test(choice) || !item) {
      write(`error: "${choice}" is not a choice: type a number from 1 to ${MENU_ITEMS.length}, or q to quit\n`);
      continue;
    }
    const args = await item.build(ask);
    if (args === null) return;
    write(`\n$ orchestrator ${args.map((arg) => (/[\s"'*]/.test(arg) ? JSON.stringify(arg) : arg)).join(' ')}\n`);
    const code = await runCommand(args);
    if (code !== 0) write(`(exit ${code})\n`);
  }
}

export function registerMenuCommand(program: Command, runCommand: CommandRunner): void {
  subcommand(
    program,
    'menu',
    'an interactive numbered menu over the commands (reads answers from stdin, one per line)',
    [
      'orchestrator menu',
      'printf "2\\nq\\n" | orchestrator menu          # list batches, then quit',
      'orchestrator --mirror menu',
    ],
  ).action(async () => {
    const reader = lineReader(process.stdin, process.stdout);
    try {
      await runMenu(reader.ask, runCommand, (text) => process.stdout.write(text));
    } finally {
      reader.close();
    }
  });
}
