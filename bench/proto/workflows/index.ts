/** PROTOTYPE workflows (benchmark only): the worker in bench/proto/worker.ts points workflowsPath here. */
export { batchWorkflow } from './batch';
export { siteWorkflow } from './site';
export { detailWorkflow } from './detail';
