/**
 * Workflow histories as JSON fixtures. Uses @temporalio/proto's own protobuf codec: the SDK's
 * historyToJSON/historyFromJSON run into two copies of protobufjs in this dependency tree
 * ("type must be a Type"), while toObject/fromObject on the generated class do not.
 */
import { temporal } from '@temporalio/proto';

const History = temporal.api.history.v1.History;

/** Replay needs the workflow id the history ran under, so the fixture carries it. */
export function historyToFixture(workflowId: string, history: temporal.api.history.v1.IHistory): string {
  return JSON.stringify({
    workflowId,
    history: History.toObject(History.fromObject(history), {
      longs: String,
      enums: String,
      bytes: String,
      defaults: false,
    }),
  });
}

export function historyFromFixture(text: string): { workflowId: string; history: temporal.api.history.v1.History } {
  const fixture = JSON.parse(text);
  return { workflowId: fixture.workflowId, history: History.fromObject(fixture.history) };
}
