/**
 * `orchestrator dashboard`'s web server: plain node:http on 127.0.0.1 only, pages rendered here
 * from the store, opened read-only (nothing in it can write). GET and HEAD only. Requests naming
 * another host are refused, so a web page elsewhere cannot read the dashboard through a DNS name
 * pointed at 127.0.0.1 (DNS rebinding). Pages carry no script, and their Content-Security-Policy
 * allows none.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from '../../lib/config/types';
import { batchWorkflowId } from '../../lib/contract/names';
import { html, type Html } from '../../lib/html';
import { filterChoices, searchListings } from '../../lib/dashboard/listing-search';
import { marketMedians } from '../../lib/dashboard/market';
import { latestPriceChanges, priceChangeSummaries } from '../../lib/dashboard/price-changes';
import { removals } from '../../lib/dashboard/removals';
import { runHistory } from '../../lib/dashboard/run-history';
import { UserInputError } from '../../lib/errors';
import { exportChunks } from '../../lib/export/listing-export';
import { backendOf, redactDatabaseUrl, type Db } from '../../lib/store/database';
import { openBatchDatabase } from '../batch-ref';
import { workflowUiUrl } from '../environment';
import { healthView } from './health-page';
import { htmlPage, VIEWS } from './layout';
import { parseListingQuery } from './listing-query';
import { listingsView } from './listings-page';
import { marketView } from './market-page';
import { runsView } from './runs-page';

export const DASHBOARD_HOST = '127.0.0.1';
/** Listings per page of the Listings view. */
export const LISTINGS_PAGE_SIZE = 50;
/** Default N of "removed within N days". */
export const DEFAULT_REMOVAL_DAYS = 30;
/** Default number of batches the Runs, Market and Data health views cover. */
export const DEFAULT_BATCHES = 30;

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** The largest batches or days a view takes: past it a number is a typo, and SQLite's LIMIT refuses values past 2^63. */
const MAX_PARAMETER = 100_000;

/** A whole number from `min` to MAX_PARAMETER from a query parameter, or `fallback` when it is absent. */
function intParameter(params: URLSearchParams, name: string, fallback: number, min: number): number {
  const text = params.get(name)?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > MAX_PARAMETER)
    throw new UserInputError(`${name} must be a whole number from ${min} to ${MAX_PARAMETER}, got "${text}"`);
  return value;
}

type Page = { title: string; body: Html };

async function renderView(db: Db, config: AppConfig, path: string, params: URLSearchParams): Promise<Page | null> {
  // Read only by the views over batches, so a stray value cannot break the Listings view.
  const batches = () => intParameter(params, 'batches', DEFAULT_BATCHES, 1);
  switch (path) {
    case '/runs':
      return {
        title: 'Runs',
        body: await runsView(await runHistory(db, batches()), (run) =>
          workflowUiUrl(config, run.batch.workflowId ?? batchWorkflowId(run.batch.id)),
        ),
      };
    case '/health':
      return { title: 'Data health', body: await healthView(await runHistory(db, batches())) };
    case '/market': {
      const days = intParameter(params, 'days', DEFAULT_REMOVAL_DAYS, 0);
      const window = batches();
      return {
        title: 'Market',
        body: await marketView({
          cells: await marketMedians(db, window),
          priceChanges: await priceChangeSummaries(db, window),
          latestChanges: await latestPriceChanges(db, 50),
          removals: await removals(db, days),
        }),
      };
    }
    case '/listings': {
      const query = parseListingQuery(params);
      return {
        title: 'Listings',
        body: listingsView(
          query.filter,
          await filterChoices(db),
          await searchListings(db, query.filter, query.page, LISTINGS_PAGE_SIZE),
        ),
      };
    }
    default:
      return null;
  }
}

function send(response: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8'): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

function sendMessage(response: ServerResponse, status: number, title: string, message: string): void {
  send(
    response,
    status,
    htmlPage(
      title,
      html`<h1>${title}</h1>
        <p id="message">${message}</p>`,
      '',
    ),
  );
}

/** Resolves when the response can take more (its buffer drained) or never will (its connection closed). */
function writable(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done).off('close', done);
      resolve();
    };
    response.on('drain', done).on('close', done);
  });
}

/** The filter's listings as CSV, the export's own format (lib/export), written as they are read. */
async function sendCsv(db: Db, response: ServerResponse, params: URLSearchParams): Promise<void> {
  const { filter } = parseListingQuery(params);
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': 'attachment; filename="listings.csv"',
  });
  if (response.req.method === 'HEAD') return void response.end();
  // The rows are read a page per query, so waiting for a slow client holds no statement open; a
  // client that went away stops the reading.
  for await (const chunk of exportChunks(db, 'csv', filter)) {
    if (!response.write(chunk) && !response.destroyed) await writable(response);
    if (response.destroyed) return;
  }
  response.end();
}

export async function startDashboard(config: AppConfig, port = config.dashboard.port): Promise<DashboardServer> {
  const db = await openBatchDatabase(config);
  if (!db) {
    const { database } = config.storage;
    throw new UserInputError(
      `there is nothing to show yet: ${redactDatabaseUrl(database)} ${
        backendOf(database) === 'sqlite' ? 'does not exist' : 'has no tables yet'
      } (run a batch first)`,
    );
  }
  const allowedHosts = new Set<string>();

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return sendMessage(response, 405, 'Method not allowed', 'The dashboard only reads.');
    }
    if (!allowedHosts.has((request.headers.host ?? '').toLowerCase()))
      return sendMessage(response, 421, 'Wrong host', 'Open the dashboard at its own address on 127.0.0.1.');
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://dashboard');
    } catch {
      return sendMessage(response, 400, 'Bad request', 'The request names no readable path.');
    }
    if (url.pathname === '/') {
      response.writeHead(302, { ...SECURITY_HEADERS, Location: '/runs' });
      return void response.end();
    }
    try {
      if (url.pathname === '/listings.csv') return await sendCsv(db!, response, url.searchParams);
      const page = await renderView(db!, config, url.pathname, url.searchParams);
      if (!page)
        return sendMessage(
          response,
          404,
          'Not found',
          `No such page. The views are ${VIEWS.map((view) => view.path).join(', ')}.`,
        );
      send(response, 200, htmlPage(`${page.title} · orchestrator`, page.body, url.pathname));
    } catch (error) {
      if (error instanceof UserInputError) return sendMessage(response, 400, 'Bad request', error.message);
      process.stderr.write(`dashboard: ${request.url}: ${(error as Error)?.stack ?? String(error)}\n`);
      if (!response.headersSent)
        sendMessage(response, 500, 'Internal error', 'The page failed; the terminal has the details.');
      else response.destroy();
    }
  }

  // Whatever a request does, it fails alone: an error escaping handle() must not end the process.
  const server = createServer((request, response) =>
    handle(request, response).catch((error: unknown) => {
      process.stderr.write(`dashboard: ${request.url}: ${(error as Error)?.stack ?? String(error)}\n`);
      if (!response.headersSent)
        sendMessage(response, 500, 'Internal error', 'The page failed; the terminal has the details.');
      else response.destroy();
    }),
  );
  return new Promise<DashboardServer>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const failure =
        error.code === 'EADDRINUSE'
          ? new UserInputError(
              `port ${port} on ${DASHBOARD_HOST} is taken: stop what uses it or set dashboard.port in ${config.sourcePath}`,
            )
          : error;
      // The store is closed first, so a caller that goes on to open it again finds it free.
      db.destroy().then(
        () => reject(failure),
        () => reject(failure),
      );
    });
    server.listen(port, DASHBOARD_HOST, () => {
      const actual = (server.address() as AddressInfo).port;
      allowedHosts.add(`${DASHBOARD_HOST}:${actual}`).add(`localhost:${actual}`);
      resolve({
        url: `http://${DASHBOARD_HOST}:${actual}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.closeAllConnections();
            server.close(() => {
              db.destroy().then(done, fail);
            });
          }),
      });
    });
  });
}
