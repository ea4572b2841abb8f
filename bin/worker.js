// `orchestrator worker` as bin/orchestrator execs it, under the worker's settings: the worker's
// modules only, not the whole CLI's (client/worker-entry.ts). TypeScript through tsx and source maps
// for the project's own files, as bin/orchestrator.js.
require('tsx/cjs/api').register();
require('../lib/process/source-maps.ts').mapOwnSourcesOnly();
require('../client/worker-entry.ts')
  .main()
  .catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 70;
  });
