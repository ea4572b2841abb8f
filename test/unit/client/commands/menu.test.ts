/**
 * The interactive menu, driven by lines as a person (or a pipe) types them: each choice prompts
 * for its arguments and runs the matching command; a wrong choice says so and asks again;
 * errors of a command leave the menu running; q or the end of input quits.
 */
import { strict as assert } from 'node:assert';
import { MENU_ITEMS, runMenu, type Ask } from '../../../../client/commands/menu';
import { runCli } from '../../../support/cli';
import { writeTempConfig } from '../../../support/temp-config';

/** Answers from a script, in order; null once they run out (the end of input). */
function scripted(answers: string[]): { ask: Ask; questions: string[] } {
  const questions: string[] = [];
  return {
    questions,
    ask: async (question) => {
      questions.push(question);
      return answers.length ? answers.shift()! : null;
    },
  };
}

const choice = (label: string) => String(MENU_ITEMS.findIndex((item) => item.label === label) + 1);

describe('orchestrator menu', function () {
  this.timeout(60_000);

  it('turns choices and answers into the same commands the CLI runs', async () => {
    const { ask } = scripted([
      choice('run a batch'),
      'lamudi,trovit',
      '2',
      choice('run a batch'),
      '',
      '',
      choice('status of a batch'),
      '',
      '20251128-060000',
      choice('export listings'),
      'out.csv',
      'lamudi',
      '',
      choice('create a schedule'),
      '0 6 * * *',
      '',
      'nightly',
      'q',
    ]);
    const ran: string[][] = [];
    let output = '';
    await runMenu(
      ask,
      async (args) => (ran.push(args), 0),
      (text) => (output += text),
    );
    assert.deepEqual(ran, [
      ['run', '--sites', 'lamudi,trovit', '--max-pages', '2'],
      ['run'],
      ['status', '20251128-060000'],
      ['export', '--out', 'out.csv', '--site', 'lamudi'],
      ['schedule', 'create', '--cron', '0 6 * * *', '--id', 'nightly'],
    ]);
    assert.match(output, /\$ orchestrator schedule create --cron "0 6 \* \* \*" --id nightly/);
  });

  it('refuses a choice that is not on the menu, reports a failing command, and stops at the end of input', async () => {
    const { ask, questions } = scripted(['42', 'x', choice('list batches')]);
    let output = '';
    await runMenu(
      ask,
      async () => 1,
      (text) => (output += text),
    );
    assert.match(output, /error: "42" is not a choice: type a number from 1 to \d+, or q to quit/);
    assert.match(output, /error: "x" is not a choice/);
    assert.match(output, /\(exit 1\)/);
    assert.equal(
      questions.filter((question) => question === 'choice: ').length,
      4,
      'asked again after each, until the input ended',
    );
  });

  it('runs from piped stdin: a command, a mistake reported in one line, then q', async () => {
    const config = writeTempConfig(17_999, 18_999, (doc) => {
      doc.temporal.embedded = false;
    });
    const result = await runCli(['--config', config.path, 'menu'], {
      input: `${choice('list batches')}\n${choice('report of a batch')}\nnope\nq\n`,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /1 {2}run a batch/);
    assert.match(result.stdout, /\$ orchestrator list\nNo batches yet/);
    assert.match(result.stdout, /\$ orchestrator report nope/);
    assert.match(result.stderr, /^error: unknown batch "nope"/m);
    assert.match(result.stdout, /\(exit 1\)/);
  });
});
