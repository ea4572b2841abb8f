// Prints the command line bin/orchestrator execs to start `orchestrator worker`, or nothing when its
// arguments start no worker: see workers/launch-settings.ts.
'use strict';
require('tsx/cjs/api').register();
require('../workers/launch-settings.ts')
  .printWorkerLaunch(process.argv.slice(2))
  .catch((error) => {
    // The worker command, run the ordinary way, reports a configuration mistake as every command does.
    process.stderr.write(`${error && error.message ? error.message : error}\n`);
    process.exitCode = 1;
  });
