/**
 * Resource use of a process from /proc (Linux): resident memory (VmRSS sampled, VmHWM the
 * kernel's own high-water mark) and CPU time (utime + stime of /proc/<pid>/stat).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { round } from './stats';

let clockTicks: number | null = null;

/** Clock ticks per second (CLK_TCK), for /proc/<pid>/stat times. */
export function clkTck(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface MemoryStatus {
  rssKiB: number;
  hwmKiB: number;
}

export function memoryStatus(pid: number): MemoryStatus | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * /proc/<path>/stat of a process (`<pid>`) or of one of its threads (`<pid>/task/<tid>`), parsed:
 * fields[0] is field 3 (state). Null when the process or thread is gone.
 */
function readStat(path: number | string): { name: string; fields: string[] } | null {
  try {
    return parseStat(readFileSync(`/proc/${path}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** The stat fields of a process after its command name (see readStat). */
function statFields(pid: number | string): string[] | null {
  return readStat(pid)?.fields ?? null;
}

/** User + system CPU seconds of a process or thread from its stat fields (utime + stime, fields 14 and 15). */
function ownCpuSeconds(fields: string[]): number {
  return (Number(fields[11]) + Number(fields[12])) / clkTck();
}

/** A /proc stat line: the command name (comm, between the first '(' and the last ')') and the fields after it. */
export function parseStat(stat: string): { name: string; fields: string[] } {
  const close = stat.lastIndexOf(')');
  return { name: stat.slice(stat.indexOf('(') + 1, close), fields: stat.slice(close + 2).split(' ') };
}

/** One thread's CPU seconds (utime + stime); `name` is "main" for a process's first thread, else its comm. */
export interface ThreadCpu {
  pid: number;
  tid: number;
  name: string;
  seconds: number;
}

/**
 * CPU seconds so far of every thread of the processes (/proc/<pid>/task/<tid>/stat), keyed
 * "pid/tid". Node names only its first thread; its JavaScript worker threads (the parser's, the
 * workflows') and V8's background threads (concurrent GC, the optimizing compiler) are all "node".
 */
export function threadCpuSeconds(pids: number[]): Map<string, ThreadCpu> {
  const threads = new Map<string, ThreadCpu>();
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // gone meanwhile
    }
    for (const tid of tids) {
      const stat = readStat(`${pid}/task/${tid}`);
      if (!stat) continue; // the thread ended meanwhile
      threads.set(`${pid}/${tid}`, {
        pid,
        tid: Number(tid),
        name: Number(tid) === pid ? 'main' : stat.name,
        seconds: ownCpuSeconds(stat.fields),
      });
    }
  }
  return threads;
}

/** What each thread used between two readings, the busiest first; threads under `minSeconds` are left out. */
export function threadCpuBetween(
  before: Map<string, ThreadCpu>,
  after: Map<string, ThreadCpu>,
  minSeconds = 0.05,
): ThreadCpu[] {
  return [...after]
    .map(([key, thread]) => ({ ...thread, seconds: round(thread.seconds - (before.get(key)?.seconds ?? 0), 2)! }))
    .filter((thread) => thread.seconds >= minSeconds)
    .sort((a, b) => b.seconds - a.seconds);
}

/**
 * CPU seconds of a process: its own, user + system (utime + stime, fields 14 and 15), and those of
 * its children that have ended and been waited for (cutime + cstime, fields 16 and 17): the kernel
 * adds an exited child's time, its own waited-for children's included, to its parent's there.
 */
function cpuTimes(pid: number): { own: number; exitedChildren: number } | null {
  const fields = statFields(pid);
  if (!fields) return null;
  return { own: ownCpuSeconds(fields), exitedChildren: (Number(fields[13]) + Number(fields[14])) / clkTck() };
}

/** User + system CPU seconds the process has used so far (its own threads; not its children). */
export function cpuSeconds(pid: number): number | null {
  return cpuTimes(pid)?.own ?? null;
}

/** The process and every descendant (the worker command may run itself again as a child, e.g. under a heap limit). */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (!fields) continue; // gone meanwhile
    const ppid = Number(fields[1]);
    const list = parents.get(ppid) ?? [];
    list.push(Number(entry));
    parents.set(ppid, list);
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(parents.get(out[i]) ?? []));
  return out;
}

/** CPU seconds of a process tree (see cpuSeconds). */
export function treeCpuSeconds(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + (cpuTimes(pid)?.own ?? 0), 0);
}

/**
 * CPU seconds of a process tree, its descendants that have already exited included: the live
 * processes' own time plus what each of them has collected from its exited children. For a server
 * that forks a process per connection (PostgreSQL), whose connections come and go during a batch
 * (a pool closes idle ones): treeCpuSeconds would lose the time of every one that ended.
 */
export function treeCpuSecondsWithExited(root: number): number {
  return processTree(root).reduce((sum, pid) => {
    const times = cpuTimes(pid);
    return sum + (times ? times.own + times.exitedChildren : 0);
  }, 0);
}

export interface RssSeries {
  pid: number;
  /** [ms since sampling started, RSS MiB]. */
  samples: Array<[number, number]>;
  peakSampledMiB: number;
  /** VmHWM read at the last sample: the true peak, between samples too. */
  hwmMiB: number;
}

/**
 * Samples VmRSS of process trees (a root and its descendants, summed) at an interval until
 * stopped. hwmMiB: the sum of the tree's VmHWM values (each process's own peak; an upper bound of
 * the tree's peak).
 */
export class RssSampler {
  private readonly series = new Map<number, RssSeries & { largestHwmMiB: number; processes: number }>();
  private readonly timer: NodeJS.Timeout;
  private readonly started = Date.now();
  private peakTotal = 0;

  constructor(pids: number[], intervalMs = 250) {
    for (const pid of pids)
      this.series.set(pid, { pid, samples: [], peakSampledMiB: 0, hwmMiB: 0, largestHwmMiB: 0, processes: 1 });
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** The highest sum over every tree in one sample: the peak of them all together (a worker and its server). */
  get peakTotalMiB(): number {
    return Math.round(this.peakTotal * 10) / 10;
  }

  private sample(): void {
    let total = 0;
    for (const entry of this.series.values()) {
      const tree = processTree(entry.pid);
      let rss = 0;
      let hwm = 0;
      let largest = 0;
      let seen = 0;
      for (const pid of tree) {
        const status = memoryStatus(pid);
        if (!status || Number.isNaN(status.rssKiB)) continue;
        seen++;
        rss += status.rssKiB / 1024;
        hwm += status.hwmKiB / 1024;
        largest = Math.max(largest, status.hwmKiB / 1024);
      }
      if (seen === 0) continue;
      total += rss;
      entry.processes = Math.max(entry.processes, seen);
      entry.samples.push([Date.now() - this.started, Math.round(rss * 10) / 10]);
      entry.peakSampledMiB = Math.max(entry.peakSampledMiB, rss);
      entry.hwmMiB = Math.max(entry.hwmMiB, hwm);
      entry.largestHwmMiB = Math.max(entry.largestHwmMiB, largest);
    }
    this.peakTotal = Math.max(this.peakTotal, total);
  }

  stop(): Array<RssSeries & { largestHwmMiB: number; processes: number }> {
    this.sample();
    clearInterval(this.timer);
    return [...this.series.values()].map((entry) => ({
      ...entry,
      peakSampledMiB: Math.round(entry.peakSampledMiB * 10) / 10,
      hwmMiB: Math.round(entry.hwmMiB * 10) / 10,
      largestHwmMiB: Math.round(entry.largestHwmMiB * 10) / 10,
      samples: thin(entry.samples, 120),
    }));
  }
}

/** At most `max` points, evenly spread, the last one kept: enough for a memory curve in the JSON. */
function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const step = points.length / max;
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) out.push(points[Math.floor(i * step)]);
  out.push(points[points.length - 1]);
  return out;
}
