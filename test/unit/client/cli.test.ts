/**
 * The CLI as a user meets it when something is wrong: every mistake (unknown batch, unknown
 * site, bad cron, bad time zone, bad path, bad option value, no server) is one line `error: …`
 * naming the wrong value, exit 1, no stack trace; and every command's --help has examples.
 * No Temporal server is needed: the config points at a port nothing listens on.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram, main } from '../../../client/cli';
import { runCli, type CliResult } from '../../support/cli';
import { writeTempConfig } from '../../support/temp-config';

/** A port with no server: the config's Temporal address, with the embedded server off. */
const NO_SERVER_PORT = 17_999;

function assertOneLineError(result: CliResult, pattern: RegExp, label: string): void {
  assert.equal(result.code, 1, `${label}: exit ${result.code}\n${result.stderr}`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `${label}: one line expected, got:\n${result.stderr}`);
  assert.match(lines[0], /^error: /, label);
  assert.match(lines[0], pattern, label);
  assert.doesNotMatch(result.stderr, /\n\s+at /, `${label}: no stack trace`);
}

/**
 * Run the CLI's main() in this process, capturing what it prints and the exit code it sets:
 * the same code path as bin/orchestrator (bin/orchestrator.js) without a Node start-up per case.
 */
async function inProcess(...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const { write: writeOut } = process.stdout;
  const { write: writeErr } = process.stderr;
  const outer = process.exitCode;
  process.exitCode = undefined;
  process.stdout.write = (chunk: string | Uint8Array) => ((stdout += String(chunk)), true);
  process.stderr.write = (chunk: string | Uint8Array) => ((stderr += String(chunk)), true);
  let code: number;
  try {
    await main(['node', 'orchestrator', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    stderr += `${(error as Error).stack}\n`;
    code = 70;
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.exitCode = outer;
  }
  return { code, stdout, stderr };
}

describe('orchestrator user errors', function () {
  this.timeout(120_000);
  const config = writeTempConfig(NO_SERVER_PORT, NO_SERVER_PORT + 1000, (doc) => {
    doc.temporal.embedded = false;
  });
  const cli = (...args: string[]) => runCli(['--config', config.path, ...args]);

  const cases: Array<[string, string[], RegExp]> = [
    ['unknown batch (status)', ['status', 'nope'], /unknown batch "nope": no such batch in .*orchestrator\.db/],
    ['unknown batch (report)', ['report', 'batch-nope'], /unknown batch "batch-nope"/],
    ['unknown batch (retry)', ['retry', 'nope'], /unknown batch "nope"/],
    [
      'unknown site (run)',
      ['run', '--sites', 'lamudi,vivanuncios'],
      /unknown site "vivanuncios": the sites in .* are inmuebles24/,
    ],
    [
      'unknown site (schedule)',
      ['schedule', 'create', '--cron', '0 6 * * *', '--sites', 'nope'],
      /unknown site "nope"/,
    ],
    ['bad cron', ['schedule', 'create', '--cron', '0 25 * * *'], /bad cron "0 25 \* \* \*": hour 25 is outside 0–23/],
    [
      'bad time zone',
      ['schedule', 'create', '--cron', '0 6 * * *', '--timezone', 'Mars/Base'],
      /bad time zone "Mars\/Base"/,
    ],
    [
      'bad overlap',
      ['schedule', 'create', '--cron', '@daily', '--overlap', 'sometimes'],
      /bad overlap policy "sometimes"/,
    ],
    [
      'export outside the folder',
      ['export', '--out', '../../etc/x.csv'],
      /--out "\.\.\/\.\.\/etc\/x\.csv" is outside .*exports/,
    ],
    ['export extension', ['export', '--out', 'x.exe'], /--out ".*x\.exe" must end in one of \.csv, \.json, \.jsonl/],
    ['restore outside the folder', ['restore', '/etc/passwd'], /backup file "\/etc\/passwd" is outside .*backups/],
    ['unknown status', ['list', '--status', 'weird'], /unknown batch status "weird": choose one of planned, running/],
    [
      'bad option value',
      ['list', '--limit', '0'],
      /option '--limit <n>' argument '0' is invalid\. expected a positive whole number/,
    ],
    ['missing argument', ['status'], /missing required argument 'batch'/],
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['no server', ['cancel', 'x'], /No Temporal server answers at 127\.0\.0\.1:17999/],
    ['no server (run)', ['run', '--sites', 'lamudi'], /No Temporal server answers at 127\.0\.0\.1:17999/],
  ];

  it('prints each mistake as one line naming the wrong value, exit 1, no stack trace', async () => {
    for (const [label, args, pattern] of cases)
      assertOneLineError(await inProcess('--config', config.path, ...args), pattern, label);
  });

  it('refuses a start-URL CSV with a mistake (run, schedule create) before contacting the server, naming file, line and value', async () => {
    const urlsDir = mkdtempSync(join(tmpdir(), 'orchestrator-bad-urls-'));
    writeFileSync(
      join(urlsDir, 'lamudi.csv'),
      'url,max_pages\nhttps://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/,1\nhttp://169.254.169.254/latest/meta-data/,1\n',
    );
    const bad = writeTempConfig(NO_SERVER_PORT, NO_SERVER_PORT + 1000, (doc) => {
      doc.temporal.embedded = false;
      doc.storage.urls_dir = urlsDir;
    });
    // No server answers: the CSV mistake, not "No Temporal server answers", shows nothing was started.
    const says = /^error: .*lamudi\.csv: line 3: host 169\.254\.169\.254 is a link-local address/;
    assertOneLineError(await inProcess('--config', bad.path, 'run', '--sites', 'lamudi'), says, 'bad CSV (run)');
    assertOneLineError(
      await inProcess('--config', bad.path, 'schedule', 'create', '--cron', '0 6 * * *', '--sites', 'lamudi'),
      says,
      'bad CSV (schedule create)',
    );
  });

  it('refuses a worker started without its memory settings, in one line', async () => {
    // bin/orchestrator gives them (workers/launch-settings.ts); `node bin/orchestrator.js` does not.
    assertOneLineError(
      await inProcess('--config', config.path, 'worker'),
      /start the worker with the orchestrator command/,
      'worker without settings',
    );
  });

  it('does the same through the real executable', async () => {
    // A few through bin/orchestrator, as a user runs it: the same main(), plus the process exit code.
    for (const [label, args, pattern] of cases.filter(([label]) =>
      ['unknown batch (status)', 'bad cron', 'missing argument'].includes(label),
    )) {
      assertOneLineError(await cli(...args), pattern, label);
    }
  });

  it('validate lists every check, names the failing ones and exits 1', async () => {
    const broken = writeTempConfig(NO_SERVER_PORT, NO_SERVER_PORT + 1000, (doc) => {
      doc.temporal.embedded = false;
      doc.logging.level = 'loud';
    });
    const result = await runCli(['--config', broken.path, 'validate']);
    assertOneLineError(result, /1 check failed: config \(.*logging\.level.*"loud"/, 'broken config');
    assert.match(result.stdout, /✘ config/);
    assert.match(result.stdout, /– start URLs\s+needs a configuration that loads/);
    assert.match(result.stdout, /✔ Temporal CLI/);

    const json = await cli('validate', '--json');
    assert.equal(json.code, 1);
    const report = JSON.parse(json.stdout) as { ok: boolean; checks: Array<{ name: string; outcome: string }> };
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.checks.map((check) => [check.name, check.outcome]),
      [
        ['config', 'pass'],
        ['start URLs', 'pass'],
        ['database', 'pass'],
        ['Temporal server', 'fail'],
        ['Temporal CLI', 'pass'],
        ['disk space', 'pass'],
      ],
    );
    assertOneLineError(
      json,
      /1 check failed: Temporal server \(no server answers at 127\.0\.0\.1:17999/,
      'validate --json',
    );
  });

  it('gives every command and subcommand a --help with examples', () => {
    const missing: string[] = [];
    const visit = (command: Command, path: string) => {
      let help = '';
      command.configureOutput({ writeOut: (text) => (help += text), writeErr: (text) => (help += text) });
      command.outputHelp();
      if (!/Examples:\n\s+orchestrator /.test(help)) missing.push(path || '(root)');
      for (const sub of command.commands) if (sub.name() !== 'help') visit(sub, `${path} ${sub.name()}`.trim());
    };
    visit(buildProgram(), '');
    assert.deepEqual(missing, []);
  });
});
