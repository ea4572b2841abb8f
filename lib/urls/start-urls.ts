/**
 * The URL manager: each site's start URLs come from <storage.urls_dir>/<site>.csv, with columns
 * `url,max_pages` and optionally `label`.
 *
 * The files are user input that decides which hosts the orchestrator fetches, so every URL must
 * pass the host policy every request passes (lib/security/host-policy.ts): an http(s) address on
 * its site's own domain, never an IP address or localhost. Every file is checked in full and all
 * problems are reported together, each naming the file, the line and the value, before anything
 * starts.
 */
import * as fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import * as path from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import type { AppConfig, SiteConfig } from '../config/types';
import { UserInputProblems } from '../errors';
import { redactUrl, urlRefusal, type SiteHosts } from '../security/host-policy';

export interface StartUrl {
  site: string;
  /** As written, without its #fragment. */
  url: string;
  /** Results pages followed from this URL at most (page 1 included). */
  maxPages: number;
  label: string | null;
  /** The CSV it came from, as shown in messages (relative to the project root when under it). */
  file: string;
  /** 1-based line of the row in that file. */
  line: number;
}

/** Start URLs that cannot be used (each of its problems one sentence). */
export class StartUrlError extends UserInputProblems {}

/** What the URL checks need to know about a site: its key, base_url and declared hosts. */
export type StartUrlSite = SiteHosts;

const REQUIRED_COLUMNS = ['url', 'max_pages'] as const;
const KNOWN_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, 'label'];
const COLUMNS_HINT = 'the columns are url, max_pages and optionally label';

// ── One URL ──────────────────────────────────────────────────────────────────────────────────

/**
 * Why `url` cannot be a start URL of `site`, as a sentence ending with the value found; null when
 * it can. Callers add where the URL came from (file and line, a command-line option …).
 */
export function validateStartUrl(url: string, site: StartUrlSite): string | null {
  const text = url.trim();
  if (text === '') return 'the url is empty';
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return `not a valid absolute URL (write the full address, e.g. ${site.baseUrl}/…), got ${JSON.stringify(text)}`;
  }
  // The same rules as every request the fetchers make (lib/security/host-policy.ts); only the
  // wording ("start URLs must …") and the value shown are this file's.
  const refusal = urlRefusal(parsed, site, 'start URL');
  if (!refusal) return null;
  return `${refusal.message}, got ${JSON.stringify(refusal.reason === 'credentials' ? redactUrl(parsed) : text)}`;
}

/** The form two URLs are compared in for duplicates: no fragment, no trailing slash, host lowercase. */
function comparisonKey(url: string): string {
  const parsed = new URL(url.trim());
  parsed.hash = '';
  if (parsed.pathname.length > 1) parsed.pathname = parsed.pathname.replace(/\/+$/, '');
  return parsed.href;
}

// ── One CSV file ─────────────────────────────────────────────────────────────────────────────

interface CsvResult {
  urls: StartUrl[];
  problems: string[];
}

function checkCsv(text: string, file: string, site: StartUrlSite): CsvResult {
  const problems: string[] = [];
  const at = (line: number, message: string) => problems.push(`${file}: line ${line}: ${message}`);

  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // With `info: true` each row comes with its line number; the typings do not narrow on the option.
    rows = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof rows;
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines ?? 1;
    at(line, `not valid CSV: ${error.message.replace(/ at line \d+$/, '')}`);
    return { urls: [], problems };
  }
  // Rows of nothing but commas are blank lines as far as a person can see.
  rows = rows.filter((row) => row.record.some((field) => field !== ''));
  if (rows.length === 0) {
    at(1, `the file is empty; it needs the header "url,max_pages" and one row per start URL`);
    return { urls: [], problems };
  }

  const [header, ...data] = rows;
  const columns = header.record.map((name) => name.toLowerCase());
  const headerLine = header.info.lines;
  columns.forEach((name, index) => {
    if (!KNOWN_COLUMNS.includes(name))
      at(headerLine, `unexpected column ${JSON.stringify(header.record[index])} (${COLUMNS_HINT})`);
    else if (columns.indexOf(name) !== index) at(headerLine, `column "${name}" appears twice`);
  });
  for (const required of REQUIRED_COLUMNS) {
    if (!columns.includes(required)) {
      at(
        headerLine,
        `missing column "${required}" (the header must contain url and max_pages), got ${JSON.stringify(header.record.join(','))}`,
      );
    }
  }
  if (data.length === 0) {
    at(headerLine + 1, 'no start URLs below the header; add one row per start URL (url,max_pages)');
  }

  const urlIndex = columns.indexOf('url');
  const pagesIndex = columns.indexOf('max_pages');
  const labelIndex = columns.indexOf('label');
  const seen = new Map<string, number>();
  const urls: StartUrl[] = [];
  for (const { record, info } of data) {
    const line = info.lines;
    if (record.length !== columns.length) {
      at(
        line,
        `${record.length} fields where the header has ${columns.length} (${header.record.join(',')}); quote a URL that contains a comma, got ${JSON.stringify(record.join(','))}`,
      );
      continue;
    }
    let valid = true;
    const url = urlIndex >= 0 ? record[urlIndex] : '';
    if (urlIndex >= 0) {
      const problem = validateStartUrl(url, site);
      if (problem) {
        at(line, problem);
        valid = false;
      } else {
        const key = comparisonKey(url);
        const first = seen.get(key);
        if (first !== undefined) {
          at(line, `duplicate URL: the same page as line ${first}, got ${JSON.stringify(url)}`);
          valid = false;
        } else {
          seen.set(key, line);
        }
      }
    }
    let maxPages = 0;
    if (pagesIndex >= 0) {
      const pages = record[pagesIndex];
      maxPages = /^\d+$/.test(pages) ? Number(pages) : NaN;
      if (!Number.isSafeInteger(maxPages) || maxPages < 1) {
        at(line, `max_pages must be a positive integer (1, 2, 3 …), got ${JSON.stringify(pages)}`);
        valid = false;
      }
    }
    if (valid && urlIndex >= 0 && pagesIndex >= 0) {
      const parsed = new URL(url);
      parsed.hash = '';
      const label = labelIndex >= 0 && record[labelIndex] !== '' ? record[labelIndex] : null;
      urls.push({ site: site.key, url: parsed.href, maxPages, label, file, line });
    }
  }
  return { urls, problems };
}

/**
 * The start URLs of one CSV text, or a StartUrlError listing every problem. `file` names the
 * source in messages and in StartUrl.file.
 */
export function parseStartUrlCsv(text: string, file: string, site: StartUrlSite): StartUrl[] {
  const { urls, problems } = checkCsv(text, file, site);
  if (problems.length > 0) throw new StartUrlError(problems);
  return urls;
}

/** The first line holding bytes that are not UTF-8 (a newline byte never occurs inside a UTF-8 sequence). */
function firstNonUtf8Line(bytes: Buffer): number | null {
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end === -1 ? bytes.length : end;
    if (!isUtf8(bytes.subarray(start, stop))) return line;
    if (end === -1) return null;
    start = end + 1;
  }
  return null;
}

function displayPath(rootDir: string, file: string): string {
  const relative = path.relative(rootDir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

function readSiteFile(config: AppConfig, site: SiteConfig): CsvResult {
  const absolute = path.join(config.storage.urlsDir, `${site.key}.csv`);
  const file = displayPath(config.rootDir, absolute);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? `file not found: site ${site.key} needs its start URLs there (a CSV with columns url,max_pages)`
        : `cannot read the file (${code ?? String(error)})`;
    return { urls: [], problems: [`${file}: ${reason}`] };
  }
  const limitBytes = config.security.systemLimits.maxFileSizeMb * 1024 * 1024;
  if (bytes.length > limitBytes) {
    const size =
      bytes.length >= 1024 * 1024 ? `${(bytes.length / 1024 / 1024).toFixed(1)} MB` : `${bytes.length} bytes`;
    return {
      urls: [],
      problems: [
        `${file}: the file is larger than security.system_limits.max_file_size_mb (${config.security.systemLimits.maxFileSizeMb} MB), got ${size}`,
      ],
    };
  }
  const badLine = firstNonUtf8Line(bytes);
  if (badLine !== null) {
    return { urls: [], problems: [`${file}: line ${badLine}: the file is not valid UTF-8; save it as UTF-8`] };
  }
  return checkCsv(bytes.toString('utf8'), file, site);
}

/**
 * The start URLs of `sites` (default: every enabled site), keyed by site in that order. Throws a
 * StartUrlError listing every problem in every file, so a batch never starts on half its URLs.
 */
export function loadStartUrls(config: AppConfig, sites?: string[]): Map<string, StartUrl[]> {
  const keys = sites ?? config.sites.filter((site) => site.enabled).map((site) => site.key);
  const problems: string[] = [];
  const result = new Map<string, StartUrl[]>();
  for (const key of keys) {
    const site = config.sites.find((candidate) => candidate.key === key);
    if (!site) {
      const known = config.sites.map((candidate) => candidate.key).join(', ');
      problems.push(
        `unknown site ${JSON.stringify(key)}: the sites in ${displayPath(config.rootDir, config.sourcePath)} are ${known}`,
      );
      continue;
    }
    const { urls, problems: fileProblems } = readSiteFile(config, site);
    problems.push(...fileProblems);
    result.set(key, urls);
  }
  if (problems.length > 0) throw new StartUrlError(problems);
  return result;
}
