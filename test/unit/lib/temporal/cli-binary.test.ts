import { strict as assert } from 'node:assert';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliCacheDir, findTemporalCli, provisionTemporalCli } from '../../../../lib/temporal/cli-binary';
import { runCli } from '../../../support/cli';
import { writeExecutable } from '../../../support/executable-file';

describe('Temporal CLI provisioning', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'cli-binary-'));

  it('names the variable and the path when TEMPORAL_CLI_PATH points at a missing file', () => {
    assert.throws(
      () => findTemporalCli({ TEMPORAL_CLI_PATH: '/nowhere/temporal', PATH: '' }),
      /TEMPORAL_CLI_PATH is set to "\/nowhere\/temporal", but no executable file is there/,
    );
  });

  it('prefers TEMPORAL_CLI_PATH, then PATH, then the cache', () => {
    const onPath = writeExecutable(join(scratch, 'bin', 'temporal'));
    const cached = writeExecutable(join(cliCacheDir({ XDG_CACHE_HOME: join(scratch, 'cache') }), 'temporal'));
    const explicit = writeExecutable(join(scratch, 'explicit', 'temporal'));
    assert.deepEqual(findTemporalCli({ TEMPORAL_CLI_PATH: explicit, PATH: join(scratch, 'bin') }), {
      path: explicit,
      source: 'env',
    });
    assert.deepEqual(findTemporalCli({ PATH: join(scratch, 'bin'), XDG_CACHE_HOME: join(scratch, 'cache') }), {
      path: onPath,
      source: 'path',
    });
    assert.deepEqual(findTemporalCli({ PATH: '/nonexistent', XDG_CACHE_HOME: join(scratch, 'cache') }), {
      path: cached,
      source: 'cache',
    });
  });

  it('names every option in one message when nothing can provide the CLI', async () => {
    await assert.rejects(
      provisionTemporalCli({ env: { PATH: '/nonexistent', XDG_CACHE_HOME: join(scratch, 'empty') }, lookOnly: true }),
      (error: Error) => {
        for (const option of ['TEMPORAL_CLI_PATH', 'on PATH', join(scratch, 'empty'), 'Go ≥ 1.25', 'temporal.download'])
          assert.ok(error.message.includes(option), option);
        return true;
      },
    );
  });

  it('the CLI reports a bad TEMPORAL_CLI_PATH in one line, without a stack trace', async () => {
    const result = await runCli(['server', 'install'], { env: { TEMPORAL_CLI_PATH: '/nowhere/temporal' } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: TEMPORAL_CLI_PATH is set to "\/nowhere\/temporal"/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });
});
