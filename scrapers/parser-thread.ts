/**
 * The site adapters on a thread of their own. A worker's activities spend most of their main
 * thread building and walking page DOMs (cheerio, the parsers and the garbage they leave: about
 * 40 % of it in `npm run bench`'s profile), and that thread also fetches, stores and talks to
 * Temporal for every page in flight. Parsing here lets the two run on two cores, as a worker's
 * machine has; the main thread only hands over the HTML and gets the records back.
 *
 * One thread per worker process: pages queue on it in arrival order. Errors cross as their class
 * name and fields and are rebuilt as the same classes (lib/errors.ts), so the activities' retry
 * decisions (`retryable`, instanceof checks) are the same as on the main thread. A thread that
 * dies fails the pages it held and is started again for the next page.
 */
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { SiteConfig } from '../lib/config/types';
import { SCRAPE_ERROR_CLASSES } from '../lib/errors';
import { startThread } from '../lib/process/thread-heap';
import type { ListingRecord } from '../lib/record/listing-record';
import type { ListingPage, ParseContext } from './adapter';
import type { AdapterChoice, PageParser } from './page-parser';

/** A request to the thread. */
export interface ParseRequest {
  id: number;
  kind: 'listing' | 'detail';
  site: AdapterChoice;
  html: string;
  context: ParseContext;
}

/** An error as it crosses the thread: its class name and own fields. */
export interface ThrownError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

/** The thread's answer. */
export type ParseAnswer = { id: number; result: ListingPage | ListingRecord } | { id: number; error: ThrownError };

export function toThrownError(error: unknown): ThrownError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) if (key !== 'message') fields[key] = value;
  return { name: error.name, message: error.message, stack: error.stack, fields };
}

/** The error again, of its class when it is one of lib/errors.ts's scrape errors (constructors not run: fields copied). */
export function fromThrownError(thrown: ThrownError): Error {
  const errorClass = (SCRAPE_ERROR_CLASSES as Record<string, { prototype: Error }>)[thrown.name];
  const error: Error = errorClass ? (Object.create(errorClass.prototype) as Error) : new Error(thrown.message);
  Object.assign(error, thrown.fields);
  Object.defineProperty(error, 'message', { value: thrown.message, writable: true, configurable: true });
  Object.defineProperty(error, 'name', { value: thrown.name, writable: true, configurable: true });
  if (thrown.stack) Object.defineProperty(error, 'stack', { value: thrown.stack, writable: true, configurable: true });
  return error;
}

/**
 * A launched worker runs its code compiled (workers/worker-code.ts): this module is then part of a
 * .js bundle, and the thread's entry and the source-map filter are compiled beside it.
 */
const COMPILED = __filename.endsWith('.js');
const ENTRY = join(__dirname, COMPILED ? 'parser-thread-entry.js' : 'parser-thread-entry.ts');
const SOURCE_MAPS = COMPILED ? join(__dirname, 'source-maps.js') : join(__dirname, '../lib/process/source-maps.ts');
const TSX_API = require.resolve('tsx/cjs/api');

export interface ParserThreadOptions {
  /**
   * The thread's heap cap, MB: the worker's own (security.system_limits.max_memory_mb), so parsing
   * may not take more than it could when it ran on the activities' thread. A heap past its cap ends
   * the process there as here (V8 aborts; tried with a 16 MB cap): the worker stops and its
   * activities are retried, as before the thread.
   */
  oldGenerationMb?: number;
  /**
   * The thread's young generation, MB (default 24, semi-spaces of 8): a page's tree lives until the
   * page is parsed, so a generation that holds only a few MB catches most trees alive and copies
   * them, then promotes them. In `npm run bench` at N = 5,000, with the 4 MB semi-spaces the
   * activities' thread has: 1,569 scavenges taking 4.7 s on this thread; with 48 MB, worker CPU
   * 6.49 → 5.64–5.80 s per 1,000 pages and pages per minute +11 %, for 10–26 MiB more peak RSS.
   * htmlparser2's trees are lighter than parse5's (lib/cheerio-load.ts), and 24 MB now does: the
   * whole engine 417–431 MiB against 427–437 with 48, worker CPU 4.30–4.47 against 4.16–4.34 s per
   * 1,000 pages (three runs each, alternated; with parse5, 24 MB had cost 0.2–0.3 s).
   */
  youngGenerationMb?: number;
}

export class ParserThread implements PageParser {
  private thread: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private closed = false;

  constructor(private readonly options: ParserThreadOptions = {}) {}

  listingPage(site: SiteConfig, html: string, context: ParseContext): Promise<ListingPage> {
    return this.parse('listing', site, html, context) as Promise<ListingPage>;
  }

  detailPage(site: SiteConfig, html: string, context: ParseContext): Promise<ListingRecord> {
    return this.parse('detail', site, html, context) as Promise<ListingRecord>;
  }

  async close(): Promise<void> {
    this.closed = true;
    const thread = this.thread;
    this.thread = null;
    this.failPending(new Error('the parser thread was closed'));
    await thread?.terminate();
  }

  private parse(
    kind: ParseRequest['kind'],
    site: SiteConfig,
    html: string,
    context: ParseContext,
  ): Promise<ListingPage | ListingRecord> {
    if (this.closed) return Promise.reject(new Error('the parser thread is closed'));
    const id = this.nextId++;
    const request: ParseRequest = {
      id,
      kind,
      site: { key: site.key, adapter: site.adapter, genericSelectors: site.genericSelectors },
      html,
      context,
    };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve, reject });
      this.running().postMessage(request);
    });
  }

  private running(): Worker {
    if (this.thread) return this.thread;
    // The thread runs the code as the process does: compiled, or the TypeScript sources through tsx,
    // with source maps for the project's own files (lib/process/source-maps.ts), set up in the
    // thread itself. All by absolute path: an eval'd thread resolves modules from the process's
    // working directory, which for an operator's worker is wherever it was started, not this project.
    const source = [
      COMPILED ? 'process.setSourceMapsEnabled(true);' : `require(${JSON.stringify(TSX_API)}).register();`,
      `require(${JSON.stringify(SOURCE_MAPS)}).mapOwnSourcesOnly(${JSON.stringify(COMPILED ? [__dirname] : [])});`,
      `require(${JSON.stringify(ENTRY)});`,
    ].join(' ');
    const thread = startThread(source, {
      maxYoungGenerationSizeMb: this.options.youngGenerationMb ?? 24,
      ...(this.options.oldGenerationMb ? { maxOldGenerationSizeMb: this.options.oldGenerationMb } : {}),
    });
    thread.on('message', (answer: ParseAnswer) => {
      const waiting = this.pending.get(answer.id);
      if (!waiting) return;
      this.pending.delete(answer.id);
      if ('error' in answer) waiting.reject(fromThrownError(answer.error));
      else waiting.resolve(answer.result);
    });
    thread.on('error', (error) => this.lost(thread, error));
    thread.on('exit', (code) => this.lost(thread, new Error(`the parser thread exited with code ${code}`)));
    // Idle, it must not keep the process alive: the worker's own shutdown decides when it ends.
    thread.unref();
    this.thread = thread;
    return thread;
  }

  private lost(thread: Worker, error: Error): void {
    if (this.thread !== thread) return;
    this.thread = null;
    this.failPending(error);
  }

  private failPending(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
