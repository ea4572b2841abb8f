/**
 * Finding or building the cluster's three programs: an environment variable first, then the cache,
 * then a Go build. The build is played by a stand-in `go` on PATH (the real one takes minutes and
 * runs in test/cluster), which records how it was called and writes the binaries `go install` would.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  cachedBinaryPath,
  findServerBinary,
  provisionServerBinaries,
  SERVER_PROGRAMS,
} from '../../../../lib/cluster/server-binaries';
import { UserInputError } from '../../../../lib/errors';
import { writeExecutable } from '../../../support/executable-file';

describe('lib/cluster/server-binaries: the Temporal server, SQL tool and UI server', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'server-binaries-'));

  it('names the variable and the path when one points at a missing file', () => {
    assert.throws(
      () => findServerBinary('uiServer', { TEMPORAL_UI_SERVER_PATH: '/nowhere/ui', PATH: '' }),
      (error: Error) =>
        error instanceof UserInputError &&
        /^TEMPORAL_UI_SERVER_PATH is set to "\/nowhere\/ui", but no executable file is there/.test(error.message),
    );
  });

  it('prefers the environment variable, then the cache', async () => {
    const env = { PATH: '/nonexistent', XDG_CACHE_HOME: join(scratch, 'cache') };
    for (const program of ['server', 'sqlTool', 'uiServer'] as const) writeExecutable(cachedBinaryPath(program, env));
    const explicit = writeExecutable(join(scratch, 'explicit', 'temporal-server'));
    const found = await provisionServerBinaries({ env: { ...env, TEMPORAL_SERVER_PATH: explicit }, lookOnly: true });
    assert.deepEqual(found, {
      server: { path: explicit, source: 'env' },
      sqlTool: { path: cachedBinaryPath('sqlTool', env), source: 'cache' },
      uiServer: { path: cachedBinaryPath('uiServer', env), source: 'cache' },
    });
    assert.match(found.sqlTool.path, /scraping-orchestrator\/temporal-server\/v1\.29\.1\/temporal-sql-tool$/);
    assert.match(found.uiServer.path, /scraping-orchestrator\/temporal-ui-server\/v2\.42\.1\/temporal-ui-server$/);
  });

  it('names every way to provide what is missing in one message', async () => {
    const env = { PATH: '/nonexistent', XDG_CACHE_HOME: join(scratch, 'empty') };
    await assert.rejects(provisionServerBinaries({ env }), (error: Error) => {
      assert.ok(error instanceof UserInputError);
      for (const part of [
        'TEMPORAL_SERVER_PATH',
        'TEMPORAL_SQL_TOOL_PATH',
        'TEMPORAL_UI_SERVER_PATH',
        cachedBinaryPath('server', env),
        'Go ≥ 1.25',
        'orchestrator cluster install',
        'go.temporal.io/server/cmd/server@v1.29.1',
        'Tried the Go build: no `go` on PATH',
      ])
        assert.ok(error.message.includes(part), `${part} in:\n${error.message}`);
      return true;
    });
  });

  it('builds what is missing with go install: one run per module, static, no toolchain download, renamed into the cache', async () => {
    const bin = join(scratch, 'go-bin');
    const calls = join(scratch, 'go-calls.log');
    writeExecutable(
      join(bin, 'go'),
      [
        '#!/bin/sh',
        'if [ "$1" = env ]; then echo go1.26.0; exit 0; fi',
        `echo "CGO_ENABLED=$CGO_ENABLED GOTOOLCHAIN=$GOTOOLCHAIN $*" >> '${calls}'`,
        // What go install writes into GOBIN: each main package's folder name.
        'for package in "$@"; do case "$package" in',
        '  */cmd/server@*) printf "#!/bin/sh\\necho built server\\n" > "$GOBIN/server"; chmod +x "$GOBIN/server" ;;',
        '  */cmd/tools/sql@*) printf "#!/bin/sh\\necho built sql\\n" > "$GOBIN/sql"; chmod +x "$GOBIN/sql" ;;',
        'esac; done',
        '',
      ].join('\n'),
    );
    const env = { PATH: `${bin}:/usr/bin:/bin`, XDG_CACHE_HOME: join(scratch, 'build-cache') };
    // The UI server is cached already: only the server module is built.
    writeExecutable(cachedBinaryPath('uiServer', env));
    const progress: string[] = [];
    const built = await provisionServerBinaries({ env, onProgress: (line) => progress.push(line) });

    assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n'), [
      `CGO_ENABLED=0 GOTOOLCHAIN=local install -trimpath ${SERVER_PROGRAMS.server.goPackage} ${SERVER_PROGRAMS.sqlTool.goPackage}`,
    ]);
    assert.deepEqual(built, {
      server: { path: cachedBinaryPath('server', env), source: 'go-build' },
      sqlTool: { path: cachedBinaryPath('sqlTool', env), source: 'go-build' },
      uiServer: { path: cachedBinaryPath('uiServer', env), source: 'cache' },
    });
    assert.match(readFileSync(built.server.path, 'utf8'), /built server/);
    assert.match(readFileSync(built.sqlTool.path, 'utf8'), /built sql/);
    // No staging folder is left beside the binaries.
    assert.deepEqual(readdirSync(dirname(built.server.path)).sort(), ['temporal-server', 'temporal-sql-tool']);
    assert.match(
      progress[0],
      /^Building the Temporal server v1\.29\.1 and its SQL tool with go1\.26\.0 \(first time only/,
    );
    assert.match(progress.at(-1)!, /^Built the Temporal server v1\.29\.1 and its SQL tool in \d+ s: /);
    assert.ok(existsSync(built.uiServer.path));
  });

  it('says what failed when the build fails, and leaves nothing half-made in the cache', async () => {
    const bin = join(scratch, 'failing-go-bin');
    writeExecutable(
      join(bin, 'go'),
      [
        '#!/bin/sh',
        'if [ "$1" = env ]; then echo go1.26.0; exit 0; fi',
        'echo "proxy.golang.org: 404" >&2',
        'exit 1',
        '',
      ].join('\n'),
    );
    const env = { PATH: `${bin}:/usr/bin:/bin`, XDG_CACHE_HOME: join(scratch, 'failed-cache') };
    await assert.rejects(provisionServerBinaries({ env, onProgress: () => undefined }), (error: Error) => {
      assert.ok(error instanceof UserInputError);
      assert.match(error.message, /Tried the Go build: .*go exited with 1: proxy\.golang\.org: 404/);
      return true;
    });
    const folder = dirname(cachedBinaryPath('server', env));
    assert.deepEqual(existsSync(folder) ? readdirSync(folder) : [], []);
  });
});
