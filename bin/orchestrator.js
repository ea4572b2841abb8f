#!/usr/bin/env node
// `orchestrator worker` starts under its memory settings in a child (bin/worker-launcher.js).
if (require('./worker-launcher.js').launchedWorker()) return;
// Everything else runs the TypeScript sources through tsx (see README, "Module system"): no build step to forget.
require('tsx/cjs/api').register();
require('../client/cli.ts')
  .main()
  .catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 70;
  });
