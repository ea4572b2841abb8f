// Prints the command line bin/orchestrator execs to start `orchestrator worker`, or nothing when its
// arguments start no worker: see workers/launch-settings.ts.
'use strict';
require('tsx/cjs/api').register();
require('../workers/launch-settings.ts')
  .printWorkerLaunch(process.argv.slice(2))
  .catch((error) => {
    // A configuration mistake is not one of these (the worker command reports it): the workflows did
    // not bundle, or the temp folder is not writable. bin/orchestrator stops with this exit code.
    process.stderr.write(`error: cannot prepare the worker: ${error && error.message ? error.message : error}\n`);
    process.exitCode = 1;
  });
