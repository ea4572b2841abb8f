/**
 * The problem lines of an input the product must refuse as a whole (a config file, a start-URL
 * file): its error lists one complete sentence per mistake, and its message is those, one a line.
 */
import { strict as assert } from 'node:assert';
import { UserInputError } from '../../lib/errors';

type ProblemsError = UserInputError & { readonly problems: readonly string[] };

/** The problems of the `kind` error that `read` throws; fails, naming `what`, when it throws nothing. */
export function refusalProblems<E extends ProblemsError>(
  read: () => unknown,
  kind: new (problems: readonly string[]) => E,
  what: string,
): string[] {
  try {
    read();
  } catch (error) {
    assert.ok(error instanceof kind, `expected a ${kind.name}, got ${String(error)}`);
    assert.ok(error instanceof UserInputError);
    assert.equal(error.message, error.problems.join('\n'));
    return [...error.problems];
  }
  assert.fail(`the ${what} was accepted`);
}
