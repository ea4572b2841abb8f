/**
 * `orchestrator backup` and `orchestrator restore <file>`: SQLite online backups into the backups
 * folder (lib/backup/backup.ts), and putting one back. A restore first backs up the current
 * database (nothing is lost), takes files from the backups folder only, and refuses while a
 * worker polls the task queue: a worker writing during the swap would leave a database that
 * matches neither.
 */
import type { Command } from 'commander';
import { subcommand } from '../subcommand';
import { existsSync, statSync } from 'node:fs';
import { backupDatabase, backupExtension, listBackups, restoreDatabase } from '../../lib/backup/backup';
import type { AppConfig } from '../../lib/config/types';
import { UserInputError } from '../../lib/errors';
import { checkExtension, confinePath } from '../../lib/security/paths';
import { openStore } from '../../lib/store/database';
import { siteTaskQueue } from '../../lib/contract/names';
import { tryConnectClient, withStore } from '../environment';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';
import { printJson, table } from '../output';

/** Task queues with a worker polling them right now; null when no server answers to say. */
async function pollingQueues(config: AppConfig): Promise<string[] | null> {
  const client = await tryConnectClient(config);
  if (!client) return null;
  try {
    const queues = [
      config.temporal.taskQueue,
      ...config.sites.map((site) => siteTaskQueue(config.temporal.taskQueue, site.key)),
    ];
    const polled: string[] = [];
    for (const name of queues) {
      const response = await client.workflowService.describeTaskQueue({
        namespace: config.temporal.namespace,
        taskQueue: { name },
      });
      if ((response.pollers?.length ?? 0) > 0) polled.push(name);
    }
    return polled;
  } finally {
    await client.connection.close().catch(() => undefined);
  }
}

export async function backupNow(config: AppConfig) {
  return withStore(openStore(config.storage), (db) => {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    return backupDatabase(db, config.storage.backupsDir, `manual-${stamp}`, config.storage.backupRetention);
  });
}

export async function restoreBackup(
  config: AppConfig,
  file: string,
  force: boolean,
  log: (line: string) => void = console.error,
) {
  const path = confinePath(config.storage.backupsDir, file, 'backup file');
  checkExtension(path, [backupExtension(config.storage.database)], 'backup file');
  if (!existsSync(path))
    throw new UserInputError(`backup file ${path} does not exist (see \`orchestrator backup --list\`)`);
  log('Workers must be stopped during a restore: they write to the database being replaced.');
  const polled = await pollingQueues(config);
  if (polled === null) {
    log(
      `No Temporal server answers at ${config.temporal.address}, so running workers cannot be checked: make sure none is running.`,
    );
  } else if (polled.length > 0) {
    if (!force) {
      throw new UserInputError(
        `a worker is polling ${polled.join(', ')}: stop every worker (Ctrl-C or SIGTERM) before restoring, or pass --force if it uses another database`,
      );
    }
    log(`--force: restoring although a worker polls ${polled.join(', ')}.`);
  }
  return restoreDatabase(path, config.storage.database, config.storage.backupsDir);
}

export function registerBackupCommands(program: Command, globals: () => GlobalOptions): void {
  subcommand(program, 'backup', 'back up the database into the backups folder (consistent while workers write)', [
    'orchestrator backup',
    'orchestrator backup --list',
    'orchestrator --mirror backup --json',
  ])
    .option('--list', 'list the backups instead, newest first')
    .option('--json', 'print JSON')
    .action(async (options: { list?: boolean; json?: boolean }) => {
      const config = loadAppConfig(globals());
      if (options.list) {
        const backups = listBackups(config.storage.backupsDir).map((file) => ({
          file,
          bytes: statSync(file).size,
          modified: statSync(file).mtime.toISOString(),
        }));
        if (options.json) return printJson(backups);
        return console.log(
          backups.length
            ? table(
                ['file', 'bytes', 'modified'],
                backups.map((b) => [b.file, b.bytes, b.modified]),
              )
            : `No backups in ${config.storage.backupsDir}.`,
        );
      }
      const result = await backupNow(config);
      if (options.json) return printJson(result);
      console.log(
        `Backed up to ${result.file} (${result.bytes} bytes).${result.removed.length ? ` Removed ${result.removed.length} old backup(s) beyond the ${config.storage.backupRetention} kept.` : ''}`,
      );
    });

  subcommand(
    program,
    'restore',
    'replace the database with a backup from the backups folder; the current one is backed up first',
    [
      'orchestrator backup --list',
      'orchestrator restore orchestrator-2025-11-28T06-15-02-123Z-20251128-060000.db',
      'orchestrator restore orchestrator-2025-11-28T06-15-02-123Z-20251128-060000.dump   # a PostgreSQL store',
    ],
  )
    .argument('<file>', 'backup file name (or path) inside the backups folder')
    .option('--force', 'restore even though a worker polls the task queue')
    .action(async (file: string, options: { force?: boolean }) => {
      const config = loadAppConfig(globals());
      const { safetyCopy } = await restoreBackup(config, file, options.force ?? false);
      console.log(
        `Restored ${config.storage.database} from ${file}.${safetyCopy ? ` The database it replaced is kept as ${safetyCopy}.` : ''}`,
      );
    });
}
