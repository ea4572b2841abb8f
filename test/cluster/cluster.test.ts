/**
 * `orchestrator cluster start|status|stop`, run as a user would, in a scratch project folder on
 * ports of its own: a real PostgreSQL, Temporal server and Web UI. The cluster serves the project's
 * namespace with its search attributes, PostgreSQL holds Temporal's tables, a second start reuses
 * every part, a dev server at the address is refused, and a stopped cluster starts again on its data.
 *
 * Needs PostgreSQL (scripts/install-system-deps.sh) and the cluster's programs, found or built by
 * `orchestrator cluster install` (built here when missing: about 6 minutes the first time).
 */
import { strict as assert } from 'node:assert';
import { chmodSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { postgresConnection, withPostgres } from '../../lib/cluster/postgres';
import { requireClusterPrograms } from '../support/multi-host-env';
import { clusterFiles } from '../../lib/cluster/temporal-cluster';
import { BatchIdKey } from '../../lib/contract/search-attributes';
import { runCli } from '../support/cli';
import { ownServerPorts, stopAtRunEnd } from '../support/temporal-server';
import { writeTempConfig, type TempConfig } from '../support/temp-config';

interface StatusJson {
  serving: boolean;
  postgres: { serving: boolean; pid: number | null; address: string };
  temporal: { serving: boolean; pid: number | null; address: string; otherServerAnswers: boolean };
  ui: { serving: boolean; pid: number | null; url: string };
}

describe('orchestrator cluster (real PostgreSQL, Temporal server and Web UI)', function () {
  this.timeout(180_000);
  // Slot 9: clear of the shared dev server's ports and of every other test's own servers.
  const { port, uiPort, address } = ownServerPorts(9);
  const postgresPort = port + 50;
  const internalPorts = port + 1;
  let config: TempConfig;
  let dataDir: string;
  const cli = (...args: string[]) => runCli(['--config', config.path, ...args]);

  async function status(): Promise<{ code: number | null; json: StatusJson }> {
    const result = await cli('cluster', 'status', '--json');
    return { code: result.code, json: JSON.parse(result.stdout) as StatusJson };
  }

  /** `cluster status` in words: its exit code, and the line of each part saying `state`. */
  async function assertStatusText(code: number, state: 'SERVING' | 'stopped'): Promise<void> {
    const text = await cli('cluster', 'status');
    assert.equal(text.code, code);
    for (const part of ['PostgreSQL', 'Temporal server', 'Web UI'])
      assert.match(text.stdout, new RegExp(`^${part}\\s+${state}`, 'm'));
  }

  before(async function () {
    await requireClusterPrograms(this);
    config = writeTempConfig(port, uiPort, (doc) => {
      doc.temporal.embedded = false;
      // The scratch folder holds the temp dir; the cluster's data goes beside it.
      doc.cluster = {
        data_dir: join(dirname(doc.storage.temp_dir), 'cluster'),
        postgres_port: postgresPort,
        internal_ports: internalPorts,
      };
    });
    dataDir = join(config.dir, 'cluster');
    // mkdtemp makes the scratch folder 0700: PostgreSQL's unprivileged account (under root) must get through it.
    chmodSync(config.dir, 0o711);
    // Whatever happens, the run's end stops what this test started.
    stopAtRunEnd(`the test cluster in ${dataDir}`, async () => void (await cli('cluster', 'stop')));
  });

  after(async () => {
    if (!config) return;
    await cli('server', 'stop');
    await cli('cluster', 'stop');
    rmSync(config.dir, { recursive: true, force: true });
  });

  it('starts on a fresh data folder, and status shows PostgreSQL, the Temporal server and the Web UI serving', async () => {
    const began = Date.now();
    const started = await cli('cluster', 'start');
    console.error(`    fresh start: ${((Date.now() - began) / 1000).toFixed(1)} s`);
    assert.equal(started.code, 0, started.stderr);
    assert.match(
      started.stdout,
      new RegExp(`PostgreSQL started \\(pid \\d+\\) at 127\\.0\\.0\\.1:${postgresPort}, new data folder`),
    );
    assert.match(
      started.stdout,
      new RegExp(`Temporal server started \\(pid \\d+\\) at ${address}, namespace default \\(registered\\)`),
    );
    assert.match(started.stdout, new RegExp(`Web UI started \\(pid \\d+\\): http://127\\.0\\.0\\.1:${uiPort}`));

    const { code, json } = await status();
    assert.equal(code, 0);
    assert.equal(json.serving, true);
    for (const part of [json.postgres, json.temporal, json.ui]) {
      assert.equal(part.serving, true);
      assert.ok(Number.isInteger(part.pid), JSON.stringify(part));
    }
    assert.equal(json.postgres.address, `127.0.0.1:${postgresPort}`);
    assert.equal(json.temporal.address, address);
    assert.equal(json.ui.url, `http://127.0.0.1:${uiPort}`);

    await assertStatusText(0, 'SERVING');
  });

  it('serves the namespace with the three search attributes, usable at once; the UI reaches it', async () => {
    const connection = await Connection.connect({ address });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      for (const name of ['BatchId', 'Site', 'BatchStatus']) {
        assert.ok(customAttributes && name in customAttributes, `${name} in ${Object.keys(customAttributes ?? {})}`);
      }
      const described = await connection.workflowService.describeNamespace({ namespace: 'default' });
      assert.equal(Number(described.config?.workflowExecutionRetentionTtl?.seconds), 720 * 3600);

      // Started with a search attribute right after the start (no worker: it stays running), found by it.
      const client = new Client({ connection, namespace: 'default' });
      const handle = await client.workflow.start('batchWorkflow', {
        taskQueue: 'cluster-test-no-worker',
        workflowId: 'cluster-test-persisted',
        args: [{}],
        typedSearchAttributes: [{ key: BatchIdKey, value: 'cluster-test' }],
      });
      assert.ok(handle.firstExecutionRunId);
    } finally {
      await connection.close();
    }

    const page = await fetch(`http://127.0.0.1:${uiPort}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    // The UI server's API is a proxy to the frontend: the namespace list comes from the cluster.
    const namespaces = await fetch(`http://127.0.0.1:${uiPort}/api/v1/namespaces`);
    assert.equal(namespaces.status, 200);
    const listed = (await namespaces.json()) as { namespaces: Array<{ namespaceInfo: { name: string } }> };
    assert.ok(
      listed.namespaces.some((entry) => entry.namespaceInfo.name === 'default'),
      JSON.stringify(listed).slice(0, 300),
    );
  });

  it("keeps Temporal's tables in PostgreSQL, at the schema's newest version, owned by the temporal role", async () => {
    const superuser = postgresConnection({ dir: clusterFiles(dataDir).postgresDir, port: postgresPort });
    assert.ok(superuser, 'the superuser password file is there');
    const tables = (database: string) =>
      withPostgres(
        superuser,
        async (client) => {
          const { rows } = await client.query<{ tablename: string; tableowner: string }>(
            "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public'",
          );
          const version = await client.query<{ curr_version: string }>('SELECT curr_version FROM schema_version');
          return { rows, version: version.rows[0]?.curr_version };
        },
        database,
      );
    const persistence = await tables('temporal');
    const names = persistence.rows.map((row) => row.tablename);
    for (const table of ['executions', 'history_node', 'namespaces', 'cluster_membership', 'task_queues']) {
      assert.ok(names.includes(table), `${table} in ${names.join(', ')}`);
    }
    assert.ok(persistence.rows.every((row) => row.tableowner === 'temporal'));
    assert.equal(persistence.version, '1.18');

    const visibility = await tables('temporal_visibility');
    assert.ok(visibility.rows.some((row) => row.tablename === 'executions_visibility'));
    assert.equal(visibility.version, '1.9');
    const found = await withPostgres(
      superuser,
      async (client) =>
        (
          await client.query(
            "SELECT workflow_id FROM executions_visibility WHERE workflow_id = 'cluster-test-persisted'",
          )
        ).rowCount,
      'temporal_visibility',
    );
    assert.equal(found, 1);
  });

  it('reuses every running part when started again', async () => {
    const again = await cli('cluster', 'start');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /PostgreSQL already running \(pid \d+\)/);
    assert.match(again.stdout, /Temporal server already running \(pid \d+\) at .*, namespace default\./);
    assert.match(again.stdout, /Web UI already running \(pid \d+\)/);
  });

  it('stops every part, and status then shows each stopped and exits 1', async () => {
    const stopped = await cli('cluster', 'stop');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(stopped.stdout.trim(), 'Web UI: stopped; Temporal server: stopped; PostgreSQL: stopped.');
    const { code, json } = await status();
    assert.equal(code, 1);
    assert.equal(json.serving, false);
    for (const part of [json.postgres, json.temporal, json.ui])
      assert.deepEqual([part.serving, part.pid], [false, null]);
    await assertStatusText(1, 'stopped');
  });

  it('refuses to start while a dev server answers at temporal.address', async () => {
    const dev = await cli('server', 'start');
    assert.equal(dev.code, 0, dev.stderr);
    try {
      const refused = await cli('cluster', 'start');
      assert.equal(refused.code, 1);
      assert.match(
        refused.stderr,
        new RegExp(
          `^error: A Temporal server already answers at ${address}, and it is not this cluster's .*orchestrator server stop`,
          'm',
        ),
      );
      const { json } = await status();
      assert.equal(json.temporal.otherServerAnswers, true);
      assert.equal(json.postgres.serving, false, 'nothing of the cluster was started');
    } finally {
      assert.match((await cli('server', 'stop')).stdout, /stopped/);
    }
  });

  it('starts again on its data: the namespace is kept, and so is the workflow started before', async () => {
    const began = Date.now();
    const started = await cli('cluster', 'start');
    console.error(`    warm start: ${((Date.now() - began) / 1000).toFixed(1)} s`);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /PostgreSQL started \(pid \d+\) at [\d.:]+\.\n/);
    assert.match(started.stdout, /namespace default\.\n/);

    const connection = await Connection.connect({ address });
    try {
      const client = new Client({ connection, namespace: 'default' });
      const ids: string[] = [];
      for await (const workflow of client.workflow.list({ query: 'BatchId = "cluster-test"' }))
        ids.push(workflow.workflowId);
      assert.deepEqual(ids, ['cluster-test-persisted']);
      await client.workflow.getHandle('cluster-test-persisted').terminate('cluster test done');
    } finally {
      await connection.close();
    }
  });
});
