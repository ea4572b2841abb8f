/*
 * Preloaded into a worker process by the benchmark (node -r bench/lib/mem-probe.js …): every
 * 500 ms one JSON line of process.memoryUsage() to the file in BENCH_MEM_PROBE, so a growing
 * RSS can be told apart as JS heap, external/array buffers (Buffers, zlib) or native memory.
 * Preloads reach worker threads too (the SDK runs workflows in one): each line names its thread;
 * rss is the whole process's. Reads only; changes nothing in the worker.
 */
'use strict';
const { appendFileSync } = require('node:fs');
const file = process.env.BENCH_MEM_PROBE;
const { threadId } = require('node:worker_threads');
if (file) {
  const started = Date.now();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const mib = (v) => Math.round((v / 1048576) * 10) / 10;
    appendFileSync(
      file,
      `${JSON.stringify({ pid: process.pid, thread: threadId, t: Date.now() - started, at: Date.now(), rss: mib(m.rss), heapTotal: mib(m.heapTotal), heapUsed: mib(m.heapUsed), external: mib(m.external), arrayBuffers: mib(m.arrayBuffers) })}\n`,
    );
  }, 500);
  timer.unref();
}
