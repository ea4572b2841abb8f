#!/usr/bin/env node
// The CLI's Node entry, which bin/orchestrator (the `orchestrator` command) runs. It runs the
// TypeScript sources through tsx (see README, "Module system"): no build step to forget.
require('tsx/cjs/api').register();
require('../client/cli.ts')
  .main()
  .catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 70;
  });
