// `orchestrator worker` as bin/orchestrator execs it, under the worker's settings: the worker's
// modules only, not the whole CLI's (client/worker-entry.ts), with source maps for the project's
// own files. The launcher compiled them into ORCHESTRATOR_WORKER_CODE (workers/worker-code.ts), so
// the worker runs JavaScript and does not load tsx; without that folder, the TypeScript through tsx.
const compiled = process.env.ORCHESTRATOR_WORKER_CODE;
if (compiled) {
  require(`${compiled}/source-maps.js`).mapOwnSourcesOnly([compiled]);
  process.setSourceMapsEnabled(true);
} else {
  require('tsx/cjs/api').register();
  require('../lib/process/source-maps.ts').mapOwnSourcesOnly();
}
require(compiled ? `${compiled}/worker-entry.js` : '../client/worker-entry.ts')
  .main()
  .catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 70;
  });
