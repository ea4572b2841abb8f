/**
 * The benchmark scripts' command lines (bench/lib/options.ts): a mistake on the command line is a
 * UserInputError that names it (printed without a stack trace), and number options are checked.
 */
import { strict as assert } from 'node:assert';
import { UserInputError } from '../../../lib/errors';
import { parseBenchArgs, positive } from '../../../bench/lib/options';

describe('bench options', () => {
  const options = { seconds: { type: 'string' as const, default: '120' }, keep: { type: 'boolean' as const } };

  it('reads the options it knows', () => {
    const { values } = parseBenchArgs({ args: ['--seconds', '20', '--keep'], options });
    assert.deepEqual({ ...values }, { seconds: '20', keep: true });
  });

  it('gives an unknown option, or a value that looks like an option, as a UserInputError naming it', () => {
    assert.throws(
      () => parseBenchArgs({ args: ['--bogus'], options }),
      (error: unknown) => error instanceof UserInputError && /'--bogus'/.test(error.message),
    );
    assert.throws(
      () => parseBenchArgs({ args: ['--seconds', '--keep'], options }),
      (error: unknown) => error instanceof UserInputError && /'--seconds'/.test(error.message),
    );
  });

  it('takes positive numbers in range, and names the option and the value otherwise', () => {
    assert.equal(positive('seconds', '0.25', false), 0.25);
    assert.equal(positive('sites', '20', true, 20), 20);
    for (const [text, integer, max] of [
      ['0', false, Infinity],
      ['', false, Infinity],
      ['abc', false, Infinity],
      ['1.5', true, Infinity],
      ['21', true, 20],
    ] as const)
      assert.throws(
        () => positive('sites', text, integer, max),
        (error: unknown) =>
          error instanceof UserInputError &&
          error.message.includes(`--sites`) &&
          error.message.includes(JSON.stringify(text)),
        `${text} should be refused`,
      );
  });
});
