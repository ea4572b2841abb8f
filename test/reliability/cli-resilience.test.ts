/**
 * The CLI is a window on a batch, not its owner: `orchestrator watch` killed with SIGKILL or
 * stopped with Ctrl-C, and `orchestrator run` killed while it follows its batch, leave the batch to
 * complete on the worker exactly as it would have. A batch id names one batch forever: starting it
 * a second time (at once, concurrently, or after it finished) is refused in one line, and Temporal
 * and SQLite hold one batch.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFigures, printFigures, recordFigures } from '../support/reliability-figures';
import { ReliabilityEnv, runOrchestrator, startOrchestrator } from '../support/reliability-env';
import { until } from '../support/until';

const SUITE = 'CLI';
const SITES = { lamudi: [{ url: 'https://www.lamudi.com.mx/jalisco/zapopan/casa/for-sale/', maxPages: 2 }] };

describe('the CLI killed while watching, and a batch started twice (worker process, real dev server)', function () {
  this.timeout(300_000);
  let env: ReliabilityEnv;
  let passed = 0;

  before(async function () {
    this.timeout(180_000);
    env = await ReliabilityEnv.create({ name: 'cli', sites: SITES, detailWindow: 2 });
    // Slow pages (about 35 s a batch): long enough to be watched, interrupted and watched again
    // while each CLI process takes seconds to start on a busy machine.
    env.mirror.setFaults('lamudi', { slowMs: 1500 });
    await env.startWorker();
  });
  after(async () => {
    printFigures(SUITE);
    await env?.close({ keep: passed < 3 });
  });

  it('watch killed with SIGKILL, watch stopped with Ctrl-C, run killed while following: both batches complete exactly', async () => {
    const config = ['--config', env.configPath];
    const stamp = Date.now().toString(36);
    const watched = `rel-cli-watch-${stamp}`;
    const detached = await runOrchestrator([...config, 'run', '--detach', '--id', `batch-${watched}`]);
    assert.equal(detached.code, 0, detached.output);

    const watch = startOrchestrator([...config, 'watch', watched]);
    await until('watch to draw the progress', () => /^batch \S+: running$/m.test(watch.output()), 60_000);
    watch.child.kill('SIGKILL');
    assert.equal((await watch.exited).signal, 'SIGKILL');

    const followed = `rel-cli-run-${stamp}`;
    const run = startOrchestrator([...config, 'run', '--id', `batch-${followed}`]);
    await until('run to draw the progress', () => /^batch \S+: running$/m.test(run.output()), 60_000);
    run.child.kill('SIGKILL');
    assert.equal((await run.exited).signal, 'SIGKILL');

    const again = startOrchestrator([...config, 'watch', watched]);
    await until('watch to draw the progress again', () => /^batch \S+: running$/m.test(again.output()), 60_000);
    again.child.kill('SIGINT');
    const interrupted = await again.exited;
    assert.equal(interrupted.code, 0, again.output());
    assert.match(again.output(), new RegExp(`Stopped watching\\. Batch ${watched} keeps running`));

    const client = await env.client();
    for (const batchId of [watched, followed]) {
      const result = await client.workflow.getHandle(`batch-${batchId}`).result();
      assert.equal(result.status, 'completed', JSON.stringify(result.sites));
      const check = env.checkBatch(batchId);
      recordFigures({
        suite: SUITE,
        case:
          batchId === watched
            ? 'watch killed (SIGKILL), then watch stopped (Ctrl-C)'
            : 'run killed (SIGKILL) while following its batch',
        completed: result.status,
        ...checkFigures(check),
      });
    }
    passed++;
  });

  it('the same batch started twice, at once, concurrently and after it finished: one batch, the others refused clearly', async () => {
    const config = ['--config', env.configPath];
    const batchId = `rel-cli-twice-${Date.now().toString(36)}`;
    const workflowId = `batch-${batchId}`;
    const refusal = new RegExp(
      `^error: a batch with id ${workflowId} already exists: it cannot start twice \\(pass another --id\\)$`,
      'm',
    );

    // Two starts racing each other: exactly one wins.
    const racing = await Promise.all([
      runOrchestrator([...config, 'run', '--detach', '--id', workflowId]),
      runOrchestrator([...config, 'run', '--detach', '--id', workflowId]),
    ]);
    assert.deepEqual(racing.map((r) => r.code).sort(), [0, 1], racing.map((r) => r.output).join('\n---\n'));
    const loser = racing.find((r) => r.code === 1)!;
    assert.match(loser.output, refusal);
    assert.doesNotMatch(loser.output, /^\s+at /m, 'no stack trace');

    const second = await runOrchestrator([...config, 'run', '--detach', '--id', workflowId]);
    assert.equal(second.code, 1);
    assert.match(second.output, refusal);

    const client = await env.client();
    const result = await client.workflow.getHandle(workflowId).result();
    assert.equal(result.status, 'completed');
    const afterwards = await runOrchestrator([...config, 'run', '--detach', '--id', workflowId]);
    assert.equal(afterwards.code, 1, 'REJECT_DUPLICATE: a finished batch cannot start again either');
    assert.match(afterwards.output, refusal);

    const executions: string[] = [];
    for await (const execution of client.workflow.list({ query: `WorkflowId = "${workflowId}"` }))
      executions.push(execution.runId);
    assert.equal(executions.length, 1, 'one workflow execution with that id');
    const rows = env.db()!.prepare('SELECT COUNT(*) AS n FROM batches WHERE id = ?').get(batchId) as { n: number };
    assert.equal(rows.n, 1, 'one batch row');
    const check = env.checkBatch(batchId);
    recordFigures({
      suite: SUITE,
      case: 'same id started 4 times (2 racing, 1 while running, 1 after it finished)',
      accepted: 1,
      refused: 3,
      workflowExecutions: executions.length,
      batchRows: rows.n,
      ...checkFigures(check),
    });
    passed++;
  });

  // The start URLs are read by planBatch, in the worker: `run` starts the workflow without reading
  // them, and a StartUrlError is an ordinary (retryable) activity failure there.
  it('a start-URL CSV with a mistake given to run: refused in one line naming file and line, no batch started', async () => {
    const csv = join(env.config.storage.urlsDir, 'lamudi.csv');
    const good = readFileSync(csv, 'utf8');
    const workflowId = `batch-rel-cli-badcsv-${Date.now().toString(36)}`;
    writeFileSync(csv, `${good.trimEnd()}\nhttp://169.254.169.254/latest/meta-data/,1\n`);
    let outcome: { code: number | null; output: string };
    const started = Date.now();
    try {
      outcome = await runOrchestrator(['--config', env.configPath, 'run', '--detach', '--id', workflowId]);
      const seconds = (Date.now() - started) / 1000;
      const client = await env.client();
      const executions: string[] = [];
      for await (const execution of client.workflow.list({ query: `WorkflowId = "${workflowId}"` }))
        executions.push(execution.status.name);
      let planning: string | null = null;
      if (executions.length > 0) {
        // How the started batch deals with the mistake: planBatch retried as if the CSV might heal.
        planning = await until(
          'planBatch to fail twice',
          async () => {
            const pending = (await client.workflow.getHandle(workflowId).describe()).raw.pendingActivities ?? [];
            const plan = pending.find((a) => a.activityType?.name === 'planBatch' && (a.attempt ?? 0) >= 2);
            return plan ? `planBatch attempt ${plan.attempt}: ${plan.lastFailure?.message?.split('\n')[0]}` : undefined;
          },
          60_000,
          250,
        ).catch((error: Error) => error.message);
        await client.workflow
          .getHandle(workflowId)
          .terminate('test cleanup')
          .catch(() => undefined);
      }
      recordFigures({
        suite: SUITE,
        case: 'run --detach with a link-local URL in lamudi.csv',
        exitCode: outcome.code,
        seconds: Number(seconds.toFixed(1)),
        workflowsStarted: executions.length,
        planning,
      });
      assert.deepEqual(executions, [], `a batch workflow started (${planning})`);
    } finally {
      writeFileSync(csv, good);
    }
    assert.equal(outcome.code, 1, outcome.output);
    assert.match(outcome.output, /^error: .*lamudi\.csv: line 3: host 169\.254\.169\.254 is a link-local address/m);
    assert.doesNotMatch(outcome.output, /^\s+at /m, 'no stack trace');
    passed++;
  });
});
