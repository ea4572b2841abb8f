/**
 * Where a worker's CPU time goes, from a V8 .cpuprofile (node --cpu-prof): self time summed by
 * area (a package in node_modules, a folder of the project, Node internals, GC, idle) and the
 * hottest functions.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Share of sampled time (idle included) per area, largest first. */
  areas: Array<{ area: string; ms: number; percent: number }>;
  /** Hottest functions by self time, idle excluded. */
  functions: Array<{ fn: string; where: string; ms: number; percent: number }>;
}

const ROOT = relative('/', `${__dirname}/../..`);

export function areaOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(idle)') return '(idle: waiting on I/O)';
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(program)') return '(program: native, outside JS)';
    return `(native: ${functionName || 'anonymous'})`;
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  // Workflow code runs from the SDK's webpack bundle inside a vm context.
  if (/workflow-bundle|webpack/i.test(path)) return 'workflow bundle (vm isolate)';
  const inRoot = path.startsWith(`/${ROOT}/`) ? path.slice(ROOT.length + 2) : path;
  const parts = inRoot.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
}

/**
 * `window`: only samples between these two times, given in ms before the profile's end (the
 * process's exit), e.g. the batch without the worker's start-up (module loading, workflow bundling).
 */
export function summariseProfile(file: string, top = 15, window: [number, number] | null = null): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const from = window ? profile.endTime - window[0] * 1000 : -Infinity;
  const to = window ? profile.endTime - window[1] * 1000 : Infinity;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t < from || t > to) continue;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const areas = new Map<string, number>();
  const fns = new Map<string, { where: string; ms: number }>();
  for (const [id, ms] of self) {
    const node = byId.get(id)!;
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    if (area.startsWith('(idle')) continue;
    const where = `${area} ${node.callFrame.url.split('/').pop() ?? ''}:${node.callFrame.lineNumber + 1}`;
    const key = `${node.callFrame.functionName || '(anonymous)'} @ ${where}`;
    const entry = fns.get(key) ?? { where, ms: 0 };
    entry.ms += ms;
    fns.set(key, entry);
  }
  const pct = (ms: number) => Math.round((ms / total) * 1000) / 10;
  return {
    file,
    totalMs: Math.round(total),
    areas: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([area, ms]) => ({ area, ms: Math.round(ms), percent: pct(ms) })),
    functions: [...fns.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, top)
      .map(([key, v]) => ({ fn: key.split(' @ ')[0], where: v.where, ms: Math.round(v.ms), percent: pct(v.ms) })),
  };
}

/** Areas grouped into what they mean for tuning. */
export function bucketOf(area: string): string {
  if (area.startsWith('(idle')) return 'idle';
  if (['tsx', 'webpack', 'typescript', 'esbuild', 'source-map', 'memfs', 'terser'].includes(area))
    return 'start-up (tsx, workflow bundling)';
  if (
    area === 'rxjs' ||
    area === 'long' ||
    area === '@grpc/proto-loader' ||
    area.startsWith('wasm:') ||
    area === '(native: runInContext)'
  )
    return 'Temporal SDK (workflows, activations, payloads)';
  if (area === '(native: writeLatin1String)' || area === '(native: writeUtf8String)' || area === 'node:buffer')
    return 'HTTP fetch (got-scraping, headers, zlib, sockets)';
  if (area === '(native: postMessage)' || area === 'node:worker_threads')
    return 'Temporal SDK (workflows, activations, payloads)';
  if (area === '(garbage collector)') return 'GC';
  if (
    area.startsWith('@temporalio') ||
    area === 'workflow bundle (vm isolate)' ||
    area === 'evalmachine.<anonymous>' ||
    area === 'workflows' ||
    area === 'activities' ||
    area === 'workers' ||
    area === 'proto3-json-serializer' ||
    area === 'protobufjs' ||
    area === '@grpc/grpc-js' ||
    area === 'ms' ||
    area === 'nexus-rpc'
  )
    return 'Temporal SDK (workflows, activations, payloads)';
  if (
    [
      'got-scraping',
      'got',
      'header-generator',
      'generative-bayesian-network',
      'http2-wrapper',
      'cacheable-request',
      'lowercase-keys',
      'responselike',
      'node:_http_client',
      'node:_http_common',
      'node:_http_outgoing',
      'node:_http_agent',
      'node:net',
      'node:zlib',
      'node:stream',
      'node:internal',
      'lib/fetch',
      'node:events',
      'node:http',
      'node:url',
      'tough-cookie',
      'form-data-encoder',
      'callsites',
      'ow',
      'dot-prop',
      'quick-lru',
      'robots-parser',
      'mimic-response',
      'decompress-response',
      'defer-to-connect',
      '@szmarczak/http-timer',
      'node:timers',
      'node:tls',
      'node:diagnostics_channel',
    ].includes(area) ||
    area.startsWith('@sindresorhus')
  )
    return 'HTTP fetch (got-scraping, headers, zlib, sockets)';
  if (
    [
      'cheerio',
      'parse5',
      'htmlparser2',
      'domhandler',
      'domutils',
      'css-select',
      'css-what',
      'nth-check',
      'entities',
      'cheerio-select',
      'dom-serializer',
      'scrapers',
      'scrapers/sites',
      'lib/record',
      'parse5-htmlparser2-tree-adapter',
      'boolbase',
    ].includes(area)
  )
    return 'parsing (cheerio, project parsers)';
  if (area === 'better-sqlite3' || area === 'lib/store') return 'SQLite (better-sqlite3, lib/store)';
  return 'other';
}
