/**
 * The cluster's keys: the shipped values, the defaults when the section is absent (older files
 * still load), the data folder resolved against the project root, and each mistake refused naming
 * the key and the value, including two servers on one port.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { edited, parse, problems, ROOT, SHIPPED } from './shipped-config';

describe('config: cluster', () => {
  it('as shipped; the same defaults when the section is absent; data_dir resolved against the project root', () => {
    const shipped = {
      dataDir: path.join(ROOT, 'data', 'cluster'),
      postgresPort: 15432,
      internalPorts: 7234,
      postgresRunAs: 'postgres',
    };
    assert.deepEqual(parse(SHIPPED).cluster, shipped);
    assert.deepEqual(parse(edited((doc) => doc.delete('cluster'))).cluster, shipped);
    const moved = parse(
      edited((doc) => {
        doc.setIn(['cluster', 'data_dir'], '/var/lib/orchestrator/cluster');
        doc.setIn(['cluster', 'postgres_port'], 25432);
        doc.deleteIn(['cluster', 'internal_ports']);
      }),
    ).cluster;
    assert.deepEqual(moved, { ...shipped, dataDir: '/var/lib/orchestrator/cluster', postgresPort: 25432 });
  });

  it('refuses a bad port, a range running past 65535, a bad account name and an unknown key, naming each', () => {
    assert.deepEqual(problems(edited((doc) => doc.setIn(['cluster', 'postgres_port'], 0))), [
      'config/config.yaml: cluster.postgres_port: must be an integer port from 1 to 65535, got 0',
    ]);
    assert.deepEqual(problems(edited((doc) => doc.setIn(['cluster', 'internal_ports'], 65533))), [
      'config/config.yaml: cluster.internal_ports: must be an integer port from 1 to 65529 (the first of 7 consecutive ports), got 65533',
    ]);
    assert.deepEqual(problems(edited((doc) => doc.setIn(['cluster', 'postgres_run_as'], 'Post Gres'))), [
      'config/config.yaml: cluster.postgres_run_as: must be the name of an account on this machine, such as "postgres", got "Post Gres"',
    ]);
    assert.deepEqual(problems(edited((doc) => doc.setIn(['cluster', 'ui_port'], 8234))), [
      'config/config.yaml: cluster: unknown key "ui_port"',
    ]);
  });

  it('refuses two servers on one port, against temporal.address and temporal.ui_port too', () => {
    assert.deepEqual(problems(edited((doc) => doc.setIn(['temporal', 'address'], '127.0.0.1:7236'))), [
      "config/config.yaml: cluster: two servers would listen on one port: cluster.internal_ports (7234–7240) includes temporal.address's port 7236",
    ]);
    assert.deepEqual(problems(edited((doc) => doc.setIn(['cluster', 'postgres_port'], 8233))), [
      'config/config.yaml: cluster: two servers would listen on one port: temporal.ui_port and cluster.postgres_port are both port 8233',
    ]);
    // A file without the section is not refused for a feature it does not set up (`cluster start` checks again).
    assert.equal(
      parse(
        edited((doc) => {
          doc.delete('cluster');
          doc.setIn(['temporal', 'address'], '127.0.0.1:7236');
        }),
      ).temporal.address,
      '127.0.0.1:7236',
    );
  });
});
