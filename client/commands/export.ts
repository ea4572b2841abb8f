/**
 * `orchestrator export --out FILE [--format csv|json|jsonl] [--site S] [--batch B] [--since D]`:
 * listings to a file inside the exports folder (storage.exports_dir), with an extension the
 * configuration allows (security.data_validation.allowed_extensions). CSV text cells that a
 * spreadsheet would run as formulas are neutralised (lib/export/csv.ts).
 */
import type { Command } from 'commander';
import { subcommand } from '../subcommand';
import type { AppConfig } from '../../lib/config/types';
import { UserInputError } from '../../lib/errors';
import {
  checkExportFilter,
  EXPORT_FORMATS,
  formatOfPath,
  isExportFormat,
  parseSince,
  writeListingsExport,
  type ExportFilter,
  type ExportResult,
} from '../../lib/export/listing-export';
import { checkExtension, confinePath } from '../../lib/security/paths';
import { findBatchRow, openBatchDatabase } from '../batch-ref';
import { withStore } from '../environment';
import { redactDatabaseUrl } from '../../lib/store/database';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';
import { printJson } from '../output';

export interface ExportOptions {
  out: string;
  format?: string;
  site?: string;
  batch?: string;
  since?: string;
  force?: boolean;
  json?: boolean;
}

export async function exportListings(config: AppConfig, options: ExportOptions): Promise<ExportResult> {
  const file = confinePath(config.storage.exportsDir, options.out, '--out');
  checkExtension(file, config.security.dataValidation.allowedExtensions, '--out');
  const fromName = formatOfPath(file);
  if (options.format !== undefined && !isExportFormat(options.format)) {
    throw new UserInputError(`--format "${options.format}" is not one of ${EXPORT_FORMATS.join(', ')}`);
  }
  const format = options.format ?? fromName;
  if (!format)
    throw new UserInputError(
      `--out "${options.out}": name the format with --format ${EXPORT_FORMATS.join('|')} or end the file in .${EXPORT_FORMATS.join(', .')}`,
    );
  if (fromName !== null && fromName !== format)
    throw new UserInputError(`--out "${options.out}" ends in .${fromName} but --format is ${format}: make them agree`);

  return withStore(openBatchDatabase(config), async (db) => {
    if (!db)
      throw new UserInputError(
        `there is nothing to export yet: ${redactDatabaseUrl(config.storage.database)} holds no batches (run a batch first)`,
      );
    const filter: ExportFilter = {
      ...(options.site !== undefined ? { site: options.site } : {}),
      // Either id form names the batch; the store keys listings by batch id.
      ...(options.batch !== undefined
        ? { batchId: (await findBatchRow(db, options.batch))?.batchId ?? options.batch }
        : {}),
      ...(options.since !== undefined ? { since: parseSince(options.since) } : {}),
    };
    await checkExportFilter(
      db,
      filter,
      config.sites.map((site) => site.key),
    );
    return writeListingsExport(db, { format, filter, file, overwrite: options.force });
  });
}

export function registerExportCommand(program: Command, globals: () => GlobalOptions): void {
  subcommand(program, 'export', 'write listings to a CSV, JSON or JSON Lines file in the exports folder', [
    'orchestrator export --out listings.csv',
    'orchestrator export --format jsonl --site lamudi --since 2025-11-01 --out lamudi-nov.jsonl',
    'orchestrator export --batch 20251128-060000 --out batch.json --force',
  ])
    .requiredOption('--out <file>', 'file name, relative to the exports folder (storage.exports_dir)')
    .option('--format <format>', `${EXPORT_FORMATS.join(' | ')} (default: from the file extension)`)
    .option('--site <site>', 'only this site')
    .option('--batch <batch>', 'only listings this batch saw (batch id or workflow id)')
    .option('--since <date>', 'only listings seen since (YYYY-MM-DD, UTC, or ISO 8601)')
    .option('--force', 'replace the file when it exists')
    .option('--json', 'print what was written as JSON')
    .action(async (options: ExportOptions) => {
      const result = await exportListings(loadAppConfig(globals()), options);
      if (options.json) printJson(result);
      else
        console.log(
          `${result.count} listing${result.count === 1 ? '' : 's'} written to ${result.file} (${result.format}).`,
        );
    });
}
