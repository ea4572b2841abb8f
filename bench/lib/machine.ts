/** The machine a result came from, and how busy it was: every figure is read next to these. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  hostname: string;
  nproc: number;
  memoryMiB: number;
  cpuModel: string;
  node: string;
  kernel: string;
}

export function machineInfo(): MachineInfo {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':').slice(1).join(':').trim();
  } catch {
    // not Linux: os.cpus() is what there is
  }
  let nproc = os.availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // keep availableParallelism
  }
  return {
    hostname: os.hostname(),
    nproc,
    memoryMiB: Math.round(os.totalmem() / 2 ** 20),
    cpuModel,
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
  };
}

export interface LoadSnapshot {
  at: string;
  /** 1, 5 and 15 minute load averages. */
  loadavg: [number, number, number];
  /** `uptime` as printed. */
  uptime: string;
}

export function loadSnapshot(): LoadSnapshot {
  let uptime: string;
  try {
    uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    uptime = `load average: ${os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(', ')}`;
  }
  const [a, b, c] = os.loadavg();
  return { at: new Date().toISOString(), loadavg: [round2(a), round2(b), round2(c)], uptime };
}

/** A machine is "busy" for a benchmark when its 1-minute load is above its core count before our run adds to it. */
export function isBusy(load: LoadSnapshot, nproc: number): boolean {
  return load.loadavg[0] > nproc * 0.5;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
