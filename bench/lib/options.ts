/**
 * The benchmark scripts' command lines (bench/run.ts, bench/politeness.ts): node's parseArgs, its
 * refusals given as the mistake they name rather than a stack trace, and the number options.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserInputError } from '../../lib/errors';

/** parseArgs over process.argv; an unknown option or a missing value is a UserInputError. */
export function parseBenchArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    // parseArgs's own refusals (ERR_PARSE_ARGS_*) describe the command line; anything else is a bug.
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_'))
      throw new UserInputError((error as Error).message);
    throw error;
  }
}

/** A positive number option, or a UserInputError naming the option and the value. */
export function positive(name: string, text: string, integer: boolean, max = Infinity): number {
  const value = Number(text);
  const ok = text.trim() !== '' && Number.isFinite(value) && value > 0 && value <= max;
  if (!ok || (integer && !Number.isInteger(value))) {
    const what = integer ? 'an integer' : 'a number';
    const range = max === Infinity ? '> 0' : `from 1 to ${max}`;
    throw new UserInputError(`--${name}: expected ${what} ${range}, got ${JSON.stringify(text)}`);
  }
  return value;
}
