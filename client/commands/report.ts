/**
 * `orchestrator report <batch>`: what a batch found, per site: pages, listings new / changed /
 * removed against the site's previous batch, price changes, latency, fill rates, alerts, and the
 * listings behind those counts.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { subcommand } from '../subcommand';
import { buildBatchReport } from '../../lib/report/batch-report';
import { withBatchRow } from '../batch-ref';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';
import { printJson } from '../output';
import { renderReport } from '../report-view';
import { writeHtmlReport } from '../dashboard/report-page';

interface ReportOptions {
  listings: number;
  json?: boolean;
  html?: string | true;
}

function parseListingLimit(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new InvalidArgumentError(`expected a whole number ≥ 0, got "${value}"`);
  return number;
}

export function registerReportCommand(program: Command, globals: () => GlobalOptions): void {
  subcommand(program, 'report', 'metrics per site, new/changed/removed listings, fill rates and alerts of one batch', [
    'orchestrator report 20251128-060000',
    'orchestrator report batch-20251128-060000 --listings 0',
    'orchestrator report 20251128-060000 --json > report.json',
    'orchestrator report 20251128-060000 --html',
  ])
    .argument('<batch>', 'batch id or workflow id')
    .option('--listings <n>', 'listings shown per site and kind of change (0: counts only)', parseListingLimit, 10)
    .option('--json', 'print JSON')
    .option(
      '--html [file]',
      'write it as one self-contained HTML page in the exports folder (default report-<batch>.html)',
    )
    .action(async (batch: string, options: ReportOptions) => {
      const config = loadAppConfig(globals());
      const report = await withBatchRow(config, batch, (db, found) =>
        buildBatchReport(db, found.batchId, { listingLimit: options.listings }),
      );
      if (options.html) console.log(`Report written to ${await writeHtmlReport(config, report, options.html)}`);
      else if (options.json) printJson(report);
      else console.log(renderReport(report));
    });
}
