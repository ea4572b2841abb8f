#!/usr/bin/env node
// The CLI's Node entry, which bin/orchestrator (the `orchestrator` command) runs. It runs the
// TypeScript sources through tsx (see README, "Module system"): no build step to forget. Stack
// traces map to the project's TypeScript; packages' frames show the JavaScript they ship
// (lib/process/source-maps.ts).
require('tsx/cjs/api').register();
require('../lib/process/source-maps.ts').mapOwnSourcesOnly();
require('../client/cli.ts')
  .main()
  .catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 70;
  });
