/**
 * The same pages through Crawlee's HttpCrawler, in a process of its own (so its memory and CPU are
 * measured as the worker's are), each page parsed once, by the project's own adapter on the body
 * (CheerioCrawler would build a DOM the adapter never reads): only the engine differs.
 *
 * Routing to the mirror: the portals' host names resolve to 127.0.0.1 in this process (dns.lookup),
 * and URLs carry the mirror's port (http://www.lamudi.com.mx:PORT/…), so the Host header names the
 * portal, as the mirror routes by it, and Crawlee's own robots.txt check works unchanged.
 * Storage: in memory (persistStorage false), CRAWLEE_STORAGE_DIR in a temp folder; nothing is
 * written to the repository. With `storeFile`, every page's records are stored in the project's
SQLite store as our page activities store them (bench/lib/crawlee-store.ts); without, they are
parsed and counted only.
 *
 * Protocol (IPC): the child sends {type:'ready'}, the parent {type:'go'}; the child sends
 * {type:'done', result} at the end and exits at the parent's next message ({type:'exit'}).
 */
import dns from 'node:dns';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import type { ListingRecord } from '../../lib/record/listing-record';
import { adapterFor } from '../../scrapers/registry';
import { CrawleeStore } from './crawlee-store';

export interface CrawleeJob {
  mirrorPort: number;
  concurrency: number;
  maxFieldLength: number;
  maxRequestRetries: number;
  storageDir: string;
  /** The project's store (a SQLite file) to write every page to, or null to store nothing. */
  storeFile: string | null;
  /** Hosts to resolve to loopback. */
  hosts: string[];
  searches: Array<{ site: string; url: string; maxPages: number; hasDetail: boolean }>;
}

export interface CrawleeChildResult {
  startedAt: number;
  endedAt: number;
  listingPages: number;
  detailPages: number;
  listings: number;
  failed: number;
  parseErrors: number;
  /** preNavigation hook → postNavigation hook (response headers), ms. */
  headerLatencies: number[];
  /** preNavigation hook → request handler (body read, decoded and parsed by Cheerio), ms. */
  handlerLatencies: number[];
  crawleeStats: unknown;
}

type Kind = 'listing' | 'detail';
interface UserData {
  site: string;
  kind: Kind;
  /** The URL on the real host, as our fetcher reports it to the parsers. */
  logicalUrl: string;
  pageNumber: number;
  maxPages: number;
  hasDetail: boolean;
}

function installLoopbackDns(hosts: Set<string>): void {
  const original = dns.lookup;
  const patched = function lookup(hostname: string, options: unknown, callback?: unknown) {
    const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
    const opts = (typeof options === 'object' && options !== null ? options : {}) as { all?: boolean };
    if (hosts.has(hostname.toLowerCase())) {
      if (opts.all) process.nextTick(cb, null, [{ address: '127.0.0.1', family: 4 }]);
      else process.nextTick(cb, null, '127.0.0.1', 4);
      return;
    }
    return (original as (...args: unknown[]) => void)(hostname, options, callback);
  };
  (dns as { lookup: unknown }).lookup = patched;
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as CrawleeJob;
  installLoopbackDns(new Set(job.hosts.map((h) => h.toLowerCase())));
  // HttpCrawler from @crawlee/cheerio, which re-exports @crawlee/http: the one Crawlee package installed.
  const { HttpCrawler, Configuration, log } = await import('@crawlee/cheerio');
  log.setLevel(process.env.BENCH_CRAWLEE_DEBUG ? log.LEVELS.DEBUG : log.LEVELS.WARNING);
  const toMirror = (logical: string): string => {
    const url = new URL(logical);
    return `http://${url.hostname}:${job.mirrorPort}${url.pathname}${url.search}`;
  };
  const result: CrawleeChildResult = {
    startedAt: 0,
    endedAt: 0,
    listingPages: 0,
    detailPages: 0,
    listings: 0,
    failed: 0,
    parseErrors: 0,
    headerLatencies: [],
    handlerLatencies: [],
    crawleeStats: null,
  };
  const started = new Map<string, number>();
  const configuration = new Configuration({
    persistStorage: false,
    purgeOnStart: true,
    storageClientOptions: { localDataDirectory: job.storageDir },
  });
  const store = job.storeFile
    ? await CrawleeStore.open(
        job.storeFile,
        [...new Set(job.searches.map((s) => s.site))],
        [...new Set(job.searches.filter((s) => s.hasDetail).map((s) => s.site))],
      )
    : null;
  const crawler = new HttpCrawler(
    {
      minConcurrency: job.concurrency,
      maxConcurrency: job.concurrency,
      // HttpCrawler's default pool options set desiredConcurrency 10, which minConcurrency does not
      // override, and an overloaded machine never lets it scale up: say it, keeping its other defaults.
      autoscaledPoolOptions: {
        desiredConcurrency: job.concurrency,
        snapshotterOptions: { eventLoopSnapshotIntervalSecs: 2, maxBlockedMillis: 100 },
        systemStatusOptions: { maxEventLoopOverloadedRatio: 0.7 },
      },
      maxRequestRetries: job.maxRequestRetries,
      respectRobotsTxtFile: true,
      requestHandlerTimeoutSecs: 60,
      navigationTimeoutSecs: 30,
      preNavigationHooks: [({ request }) => void started.set(request.uniqueKey, performance.now())],
      postNavigationHooks: [
        ({ request }) => {
          const t = started.get(request.uniqueKey);
          if (t !== undefined) result.headerLatencies.push(performance.now() - t);
        },
      ],
      async requestHandler({ request, body, response, crawler: self }) {
        const t = started.get(request.uniqueKey);
        const latencyMs = t === undefined ? null : performance.now() - t;
        if (latencyMs !== null) {
          result.handlerLatencies.push(latencyMs);
          started.delete(request.uniqueKey);
        }
        const data = request.userData as UserData;
        const html = typeof body === 'string' ? body : body.toString('utf8');
        const adapter = adapterFor({ key: data.site, adapter: 'builtin', genericSelectors: null } as never);
        const context = { url: data.logicalUrl, site: data.site, maxFieldLength: job.maxFieldLength };
        // The page and its records, in the project's store, as our page activities write them.
        const stored = (records: ListingRecord[]) =>
          store?.store({
            site: data.site,
            kind: data.kind,
            url: data.logicalUrl,
            attempt: request.retryCount + 1,
            statusCode: response.statusCode ?? 200,
            latencyMs,
            bytes: Buffer.byteLength(html),
            records,
          });
        try {
          if (data.kind === 'listing') {
            const page = adapter.parseListingPage(html, context);
            await stored(page.listings);
            result.listingPages++;
            result.listings += page.listings.length;
            const next: Array<{ url: string; userData: UserData }> = [];
            if (data.hasDetail) {
              for (const detailUrl of page.detailUrls) {
                next.push({
                  url: toMirror(detailUrl),
                  userData: { ...data, kind: 'detail', logicalUrl: detailUrl, pageNumber: 0 },
                });
              }
            }
            if (page.nextPageUrl && data.pageNumber < data.maxPages) {
              next.push({
                url: toMirror(page.nextPageUrl),
                userData: { ...data, logicalUrl: page.nextPageUrl, pageNumber: data.pageNumber + 1 },
              });
            }
            if (next.length) await self.addRequests(next);
          } else {
            await stored([adapter.parseDetailPage!(html, context)]);
            result.detailPages++;
          }
        } catch (error) {
          result.parseErrors++;
          throw error;
        }
      },
      failedRequestHandler() {
        result.failed++;
      },
    },
    configuration,
  );
  const seeds = job.searches.map((s) => ({
    url: toMirror(s.url),
    userData: {
      site: s.site,
      kind: 'listing',
      logicalUrl: s.url,
      pageNumber: 1,
      maxPages: s.maxPages,
      hasDetail: s.hasDetail,
    },
  }));
  process.send!({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  result.startedAt = performance.timeOrigin + performance.now();
  const stats = await crawler.run(seeds);
  result.endedAt = performance.timeOrigin + performance.now();
  result.crawleeStats = stats;
  await store?.close();
  // Exit when the bench says so, once it has read this process's threads: a process that is exiting
  // has lost them (/proc/<pid>/task lists only its main thread), though its own CPU time still reads.
  process.once('message', () => process.exit(0));
  process.once('disconnect', () => process.exit(0));
  process.send!({ type: 'done', result });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
