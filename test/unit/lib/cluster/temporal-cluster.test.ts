/**
 * The pure parts of the Temporal cluster: the configs it renders for the Temporal server and the
 * UI server (read back as YAML, the way the servers read them), the layout of its data folder,
 * and the settings it refuses before starting anything. The servers themselves run in
 * test/cluster/cluster.test.ts.
 */
import { strict as assert } from 'node:assert';
import YAML from 'yaml';
import {
  clusterFiles,
  clusterSettingsProblems,
  HISTORY_SHARDS,
  renderDynamicConfig,
  renderTemporalConfig,
  renderUiConfig,
  type ClusterSettings,
} from '../../../../lib/cluster/temporal-cluster';

const SETTINGS: ClusterSettings = {
  address: '127.0.0.1:7233',
  namespace: 'scraping',
  retentionHours: 720,
  uiPort: 8233,
  dataDir: '/srv/project/data/cluster',
  postgresPort: 15432,
  internalPorts: 7234,
  postgresRunAs: 'postgres',
};

const LOGIN = { user: 'temporal', password: 'pa:ss"word#1' };

describe('lib/cluster/temporal-cluster: rendered configs and settings', () => {
  const files = clusterFiles(SETTINGS.dataDir);

  it('keeps everything under the data folder, the configs where --root/--config/--env find them', () => {
    assert.deepEqual(files, {
      postgresDir: '/srv/project/data/cluster/postgres',
      dbPasswordFile: '/srv/project/data/cluster/temporal-db.password',
      temporalRoot: '/srv/project/data/cluster/temporal',
      temporalConfig: '/srv/project/data/cluster/temporal/config/cluster.yaml',
      dynamicConfig: '/srv/project/data/cluster/temporal/dynamicconfig.yaml',
      temporalLog: '/srv/project/data/cluster/temporal.log',
      temporalPid: '/srv/project/data/cluster/temporal.pid',
      schemaLog: '/srv/project/data/cluster/schema.log',
      uiRoot: '/srv/project/data/cluster/ui',
      uiConfig: '/srv/project/data/cluster/ui/config/cluster.yaml',
      uiLog: '/srv/project/data/cluster/ui.log',
      uiPid: '/srv/project/data/cluster/ui.pid',
    });
  });

  it('renders the server config: postgres12 for persistence and visibility, on the configured PostgreSQL', () => {
    const config = YAML.parse(renderTemporalConfig(SETTINGS, LOGIN, files));
    assert.equal(config.persistence.defaultStore, 'postgres-default');
    assert.equal(config.persistence.visibilityStore, 'postgres-visibility');
    assert.equal(config.persistence.numHistoryShards, HISTORY_SHARDS);
    const stores = config.persistence.datastores;
    assert.deepEqual(Object.keys(stores).sort(), ['postgres-default', 'postgres-visibility']);
    for (const [name, database] of [
      ['postgres-default', 'temporal'],
      ['postgres-visibility', 'temporal_visibility'],
    ]) {
      const sql = stores[name].sql;
      assert.equal(sql.pluginName, 'postgres12');
      assert.equal(sql.databaseName, database);
      assert.equal(sql.connectAddr, '127.0.0.1:15432');
      assert.equal(sql.user, 'temporal');
      // Quoted by the YAML writer: a password with YAML's special characters reads back intact.
      assert.equal(sql.password, 'pa:ss"word#1');
    }
    assert.equal(config.dynamicConfigClient.filepath, files.dynamicConfig);
  });

  it('renders every service on the frontend IP: the frontend at temporal.address, the rest on the internal ports', () => {
    const config = YAML.parse(renderTemporalConfig({ ...SETTINGS, address: '127.0.0.5:9233' }, LOGIN, files));
    assert.deepEqual(config.services, {
      frontend: { rpc: { grpcPort: 9233, membershipPort: 7237, bindOnIP: '127.0.0.5' } },
      history: { rpc: { grpcPort: 7234, membershipPort: 7238, bindOnIP: '127.0.0.5' } },
      matching: { rpc: { grpcPort: 7235, membershipPort: 7239, bindOnIP: '127.0.0.5' } },
      worker: { rpc: { grpcPort: 7236, membershipPort: 7240, bindOnIP: '127.0.0.5' } },
    });
    assert.equal(config.global.membership.broadcastAddress, '127.0.0.5');
    assert.equal(config.clusterMetadata.clusterInformation.active.rpcAddress, '127.0.0.5:9233');
    assert.equal(config.publicClient.hostPort, '127.0.0.5:9233');
    // No metrics or pprof listener: only the ports the settings name are opened.
    assert.equal(config.global.metrics, undefined);
    assert.equal(config.global.pprof, undefined);
  });

  it('renders a dynamic config that turns off the version check and Nexus, with one partition per task queue', () => {
    assert.deepEqual(YAML.parse(renderDynamicConfig()), {
      'frontend.enableServerVersionCheck': [{ value: false }],
      'system.enableNexus': [{ value: false }],
      'matching.numTaskqueueReadPartitions': [{ value: 1 }],
      'matching.numTaskqueueWritePartitions': [{ value: 1 }],
    });
  });

  it('renders the UI config against the frontend, on 127.0.0.1 at temporal.ui_port, the namespace first', () => {
    assert.deepEqual(YAML.parse(renderUiConfig(SETTINGS)), {
      temporalGrpcAddress: '127.0.0.1:7233',
      host: '127.0.0.1',
      port: 8233,
      enableUi: true,
      defaultNamespace: 'scraping',
      cors: { cookieInsecure: true },
      notifyOnNewVersion: false,
      hideLogs: true,
    });
  });

  it('accepts loopback settings with distinct ports', () => {
    assert.deepEqual(clusterSettingsProblems(SETTINGS), []);
    assert.deepEqual(clusterSettingsProblems({ ...SETTINGS, address: '[::1]:7233' }), []);
  });

  it('refuses an address off loopback, and two parts on one port, each in one sentence', () => {
    assert.deepEqual(clusterSettingsProblems({ ...SETTINGS, address: '10.0.0.4:7233' }), [
      'temporal.address is "10.0.0.4:7233", but the cluster listens on this machine\'s loopback only: use a 127.x.x.x address (or [::1]) such as 127.0.0.1:7233',
    ]);
    assert.deepEqual(clusterSettingsProblems({ ...SETTINGS, address: 'localhost:7233' }).length, 1);
    assert.deepEqual(clusterSettingsProblems({ ...SETTINGS, uiPort: 15432 }), [
      'two servers would listen on one port: temporal.ui_port and cluster.postgres_port are both port 15432',
    ]);
  });
});
