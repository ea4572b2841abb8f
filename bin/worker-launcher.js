// `orchestrator worker` under its memory settings (workers/launch-settings.ts): Node takes heap
// flags only when a process starts, so this process starts the worker as its child and stays,
// loading nothing, to pass signals on and to hand on the child's exit code. The child notices
// when this process dies, even by SIGKILL, through the IPC channel, and shuts down (workers/main.ts).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { join } = require('node:path');

const LAUNCHED = 'ORCHESTRATOR_WORKER_LAUNCHED';

/** The global options before the command, and the command's name: `--config <file>`, `--mirror`. */
function commandLine(args) {
  const globals = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--mirror') globals.mirror = true;
    else if (arg === '--config') globals.config = args[++i];
    else if (arg.startsWith('--config=')) globals.config = arg.slice('--config='.length);
    else return { globals, command: arg, rest: args.slice(i + 1) };
  }
  return { globals, command: null, rest: [] };
}

/** The settings from the configuration, or null when it does not load (the command then says why). */
function launchSettings(globals) {
  const probe = spawnSync(
    process.execPath,
    ['-r', require.resolve('tsx/cjs'), join(__dirname, '..', 'workers', 'launch-settings.ts'), JSON.stringify(globals)],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  if (probe.status !== 0) return null;
  return JSON.parse(probe.stdout.trim().split('\n').pop());
}

/** Start the worker as a child and return true, or return false to run the command here. */
function launchedWorker(argv = process.argv) {
  if (process.env[LAUNCHED]) return false;
  const { globals, command, rest } = commandLine(argv.slice(2));
  if (command !== 'worker' || rest.includes('--help') || rest.includes('-h')) return false;
  const settings = launchSettings(globals);
  if (!settings) return false;
  const child = spawn(process.execPath, [...settings.nodeFlags, ...process.execArgv, ...argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...settings.env, [LAUNCHED]: '1' },
  });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward).on('SIGTERM', forward);
  child.on('error', (error) => {
    process.stderr.write(`error: cannot start the worker: ${error.message}\n`);
    process.exitCode = 70;
  });
  child.on('exit', (code, signal) => {
    process.off('SIGINT', forward).off('SIGTERM', forward);
    process.exitCode = code ?? (signal ? 128 : 1);
  });
  return true;
}

module.exports = { launchedWorker, commandLine, LAUNCHED };
