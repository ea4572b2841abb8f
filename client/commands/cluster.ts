/** `orchestrator cluster install|start|stop|status`: a Temporal cluster on PostgreSQL, in the dev server's place. */
import type { Command } from 'commander';
import { statusSubcommand, subcommand } from '../subcommand';
import { provisionServerBinaries } from '../../lib/cluster/server-binaries';
import { clusterStatus, startCluster, stopCluster, type ClusterStatus } from '../../lib/cluster/temporal-cluster';
import { clusterSettings } from '../environment';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';

export function registerClusterCommands(program: Command, globals: () => GlobalOptions): void {
  const cluster = subcommand(
    program,
    'cluster',
    'a Temporal cluster on PostgreSQL at temporal.address, in place of the dev server (workers on several machines)',
    ['orchestrator cluster install', 'orchestrator cluster start', 'orchestrator cluster status --json'],
  );

  subcommand(
    cluster,
    'install',
    'find or build the Temporal server, its SQL tool and the UI server (built with Go the first time: about 6 minutes)',
    [
      'orchestrator cluster install',
      'TEMPORAL_SERVER_PATH=/opt/temporal/temporal-server orchestrator cluster install   # use this server binary',
    ],
  ).action(async () => {
    const binaries = await provisionServerBinaries({ onProgress: (line) => console.error(line) });
    for (const binary of Object.values(binaries)) console.log(`${binary.path} (${binary.source})`);
  });

  subcommand(
    cluster,
    'start',
    'start PostgreSQL, the Temporal server and its Web UI on 127.0.0.1 (each reused when running)',
    ['orchestrator cluster start', 'orchestrator --config cluster.yaml cluster start'],
  ).action(async () => {
    const config = loadAppConfig(globals());
    const binaries = await provisionServerBinaries({ onProgress: (line) => console.error(line) });
    const result = await startCluster(clusterSettings(config), binaries, {
      onProgress: (line) => console.error(line),
    });
    const how = (reused: boolean) => (reused ? 'already running' : 'started');
    console.log(
      `PostgreSQL ${how(result.postgres.reused)} (pid ${result.postgres.pid}) at ${result.postgres.address}` +
        (result.postgres.initialized ? `, new data folder in ${config.cluster.dataDir}` : '') +
        '.',
    );
    console.log(
      `Temporal server ${how(result.temporal.reused)} (pid ${result.temporal.pid}) at ${result.temporal.address}, ` +
        `namespace ${config.temporal.namespace}${result.namespaceRegistered ? ' (registered)' : ''}.`,
    );
    console.log(`Web UI ${how(result.ui.reused)} (pid ${result.ui.pid}): ${result.ui.url}`);
    console.log(`Cluster ready in ${result.seconds} s; stop it with \`orchestrator cluster stop\`.`);
  });

  subcommand(cluster, 'stop', 'stop the parts of the cluster this project started (UI, Temporal server, PostgreSQL)', [
    'orchestrator cluster stop',
    'orchestrator --config cluster.yaml cluster stop',
  ]).action(async () => {
    const config = loadAppConfig(globals());
    const result = await stopCluster(clusterSettings(config));
    const said = (what: string, outcome: 'stopped' | 'not-running') =>
      `${what}: ${outcome === 'stopped' ? 'stopped' : 'was not running'}`;
    console.log(
      [said('Web UI', result.ui), said('Temporal server', result.temporal), said('PostgreSQL', result.postgres)].join(
        '; ',
      ) + '.',
    );
  });

  statusSubcommand(
    cluster,
    'is each part of the cluster serving, and where; exit 1 unless all are',
    () => clusterStatus(clusterSettings(loadAppConfig(globals()))),
    statusLines,
  );
}

function statusLines(status: ClusterStatus): string[] {
  const part = (name: string, serving: boolean, pid: number | null, where: string) =>
    `${name.padEnd(16)}${serving ? 'SERVING' : pid !== null ? 'NOT ANSWERING' : 'stopped'}  ${where}${pid !== null ? ` (pid ${pid})` : ''}`;
  const lines = [
    part('PostgreSQL', status.postgres.serving, status.postgres.pid, status.postgres.address),
    part('Temporal server', status.temporal.serving, status.temporal.pid, status.temporal.address),
    part('Web UI', status.ui.serving, status.ui.pid, status.ui.url),
  ];
  if (status.temporal.otherServerAnswers) {
    lines.push(
      `A Temporal server that is not this cluster's answers at ${status.temporal.address} (the dev server? \`orchestrator server status\`).`,
    );
  }
  return lines;
}
