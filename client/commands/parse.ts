/**
 * `orchestrator parse --site S --page listing|detail [--url U] FILE`: one saved page through the
 * site's parser, printed as { listings, nextPageUrl, detailUrls } (docs/listing-record.md).
 * Exit 2 when the page is not understood (challenge, truncated, embedded data missing). A detail
 * page of a listing the portal has removed is understood: exit 0, no listings, and `gone` saying why.
 */
import type { Command } from 'commander';
import { subcommand } from '../subcommand';
import { readFileSync } from 'node:fs';
import {
  ChallengePageError,
  NotFoundError,
  TruncatedPageError,
  UnrecognisedMarkupError,
  UserInputError,
} from '../../lib/errors';
import { adapterFor } from '../../scrapers/registry';
import type { ListingPage } from '../../scrapers/adapter';
import { loadAppConfig, type GlobalOptions } from '../../lib/config/profile';

interface ParseOptions {
  site: string;
  page: string;
  url?: string;
}

/** What `parse` prints: the parser's page, and for a removed listing's detail page the reason it is gone. */
export type ParseOutput = ListingPage & { gone?: string };

export function parseFile(globals: GlobalOptions, file: string, options: ParseOptions): ParseOutput {
  const config = loadAppConfig(globals);
  const site = config.sites.find((candidate) => candidate.key === options.site);
  if (!site)
    throw new UserInputError(
      `unknown site "${options.site}": the sites in ${config.sourcePath} are ${config.sites.map((s) => s.key).join(', ')}`,
    );
  if (options.page !== 'listing' && options.page !== 'detail')
    throw new UserInputError(`--page must be listing or detail, got "${options.page}"`);
  let html: string;
  try {
    html = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserInputError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const adapter = adapterFor(site);
  const context = {
    url: options.url ?? site.baseUrl,
    site: site.key,
    maxFieldLength: config.security.dataValidation.maxFieldLength,
  };
  if (options.page === 'listing') return adapter.parseListingPage(html, context);
  if (!adapter.parseDetailPage) throw new UserInputError(`site ${site.key} has no detail scraper: use --page listing`);
  try {
    return { listings: [adapter.parseDetailPage(html, context)], nextPageUrl: null, detailUrls: [] };
  } catch (error) {
    // OFFLINE, or a detail request the portal redirected to its home or a search: the scraper records it as gone.
    if (error instanceof NotFoundError) return { listings: [], nextPageUrl: null, detailUrls: [], gone: error.message };
    throw error;
  }
}

export function registerParseCommand(program: Command, globals: () => GlobalOptions): void {
  subcommand(program, 'parse', "parse a saved page with a site's parser and print the records as JSON", [
    'orchestrator parse --site lamudi --page listing page.html',
    'orchestrator parse --site inmuebles24 --page detail --url https://www.inmuebles24.com/propiedades/clasificado/x-142082805.html aviso.html',
  ])
    .requiredOption('--site <site>', 'site key, e.g. lamudi')
    .requiredOption('--page <kind>', 'listing or detail')
    .option('--url <address>', 'the address the page was fetched from (resolves relative links)')
    .argument('<file>', 'the saved HTML file')
    .action((file: string, options: ParseOptions) => {
      try {
        process.stdout.write(`${JSON.stringify(parseFile(globals(), file, options), null, 2)}\n`);
      } catch (error) {
        if (
          error instanceof UnrecognisedMarkupError ||
          error instanceof ChallengePageError ||
          error instanceof TruncatedPageError
        ) {
          // One line naming the site, the page kind and what was missing (docs/listing-record.md).
          process.stderr.write(`${error.message.split('\n')[0]}\n`);
          process.exitCode = 2;
          return;
        }
        throw error;
      }
    });
}
