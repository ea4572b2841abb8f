/**
 * Finds or builds the three programs of a Temporal cluster: the Temporal server, its SQL schema
 * tool, and the Web UI server (the dev server has all of them inside the CLI; a cluster runs them
 * apart). Order, per program: its environment variable → our cached build → a build from the Go
 * module proxy. No package manager ships them and Temporal's download host is not reachable
 * everywhere; the Go module proxy is (lib/temporal/go-build.ts).
 */
import { join } from 'node:path';
import { UserInputError } from '../errors';
import { findOnPath, goInstall, isExecutable, MIN_GO, projectCacheDir } from '../temporal/go-build';

export const TEMPORAL_SERVER_VERSION = '1.29.1';
/** The UI server the Temporal CLI v1.5.1 embeds, so the cluster's Web UI is the dev server's. */
export const UI_SERVER_VERSION = '2.42.1';

export type ServerProgram = 'server' | 'sqlTool' | 'uiServer';

interface ProgramSpec {
  /** Named in messages. */
  title: string;
  envVar: string;
  /** File name in the cache. */
  fileName: string;
  /** The name `go install` gives the binary (its package folder). */
  builtName: string;
  goPackage: string;
  /** The cache folder, below the project's cache. */
  cacheSubdir: string;
}

const SERVER_MODULE = 'go.temporal.io/server';
const UI_MODULE = 'github.com/temporalio/ui-server/v2';

export const SERVER_PROGRAMS: Record<ServerProgram, ProgramSpec> = {
  server: {
    title: 'Temporal server',
    envVar: 'TEMPORAL_SERVER_PATH',
    fileName: 'temporal-server',
    builtName: 'server',
    goPackage: `${SERVER_MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`,
    cacheSubdir: join('temporal-server', `v${TEMPORAL_SERVER_VERSION}`),
  },
  sqlTool: {
    title: 'Temporal SQL tool',
    envVar: 'TEMPORAL_SQL_TOOL_PATH',
    fileName: 'temporal-sql-tool',
    builtName: 'sql',
    goPackage: `${SERVER_MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`,
    cacheSubdir: join('temporal-server', `v${TEMPORAL_SERVER_VERSION}`),
  },
  uiServer: {
    title: 'Temporal UI server',
    envVar: 'TEMPORAL_UI_SERVER_PATH',
    fileName: 'temporal-ui-server',
    // Both modules name their main package `cmd/server`: built in separate `go install` runs.
    builtName: 'server',
    goPackage: `${UI_MODULE}/cmd/server@v${UI_SERVER_VERSION}`,
    cacheSubdir: join('temporal-ui-server', `v${UI_SERVER_VERSION}`),
  },
};

export type BinarySource = 'env' | 'cache' | 'go-build';

export interface ResolvedBinary {
  path: string;
  source: BinarySource;
}

export type ServerBinaries = Record<ServerProgram, ResolvedBinary>;

export interface ProvisionServerOptions {
  env?: NodeJS.ProcessEnv;
  /** Progress lines (the server's build takes minutes); default: stderr. */
  onProgress?: (line: string) => void;
  /** Only look; never build. */
  lookOnly?: boolean;
}

/** Where a program is kept once built. */
export function cachedBinaryPath(program: ServerProgram, env: NodeJS.ProcessEnv = process.env): string {
  const spec = SERVER_PROGRAMS[program];
  return join(projectCacheDir(env), spec.cacheSubdir, spec.fileName);
}

/** Where one program already is, without building anything; null when it is nowhere. */
export function findServerBinary(program: ServerProgram, env: NodeJS.ProcessEnv = process.env): ResolvedBinary | null {
  const spec = SERVER_PROGRAMS[program];
  const fromEnv = env[spec.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new UserInputError(
        `${spec.envVar} is set to "${fromEnv}", but no executable file is there. ` +
          `Point it at a ${spec.title} binary, or unset it to let the project find or build one.`,
      );
    }
    return { path: fromEnv, source: 'env' };
  }
  const cached = cachedBinaryPath(program, env);
  return isExecutable(cached) ? { path: cached, source: 'cache' } : null;
}

/**
 * Find the three programs, building what is missing: the server and the SQL tool in one `go
 * install` (one module, compiled once; about 5 minutes on 2 cores with nothing cached), the UI
 * server in another (about a minute).
 */
export async function provisionServerBinaries(options: ProvisionServerOptions = {}): Promise<ServerBinaries> {
  const env = options.env ?? process.env;
  const progress = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const found = {
    server: findServerBinary('server', env),
    sqlTool: findServerBinary('sqlTool', env),
    uiServer: findServerBinary('uiServer', env),
  };
  const missing = (Object.keys(found) as ServerProgram[]).filter((program) => found[program] === null);
  if (missing.length === 0) return found as ServerBinaries;
  if (options.lookOnly) throw new UserInputError(noBinariesMessage(missing, env, null));
  const go = findOnPath('go', env);
  if (!go) throw new UserInputError(noBinariesMessage(missing, env, 'no `go` on PATH'));

  const groups: Array<{ what: string; takes: string; programs: ServerProgram[] }> = [
    {
      what: `the Temporal server v${TEMPORAL_SERVER_VERSION} and its SQL tool`,
      takes: 'about 5 minutes',
      programs: (['server', 'sqlTool'] as const).filter((program) => found[program] === null),
    },
    {
      what: `the Temporal UI server v${UI_SERVER_VERSION}`,
      takes: 'about a minute',
      programs: found.uiServer === null ? ['uiServer'] : [],
    },
  ];
  for (const group of groups) {
    if (group.programs.length === 0) continue;
    try {
      const seconds = await goInstall(go, {
        what: group.what,
        takes: group.takes,
        packages: group.programs.map((program) => SERVER_PROGRAMS[program].goPackage),
        outputs: Object.fromEntries(
          group.programs.map((program) => [SERVER_PROGRAMS[program].builtName, cachedBinaryPath(program, env)]),
        ),
        env,
        progress,
      });
      const paths = group.programs.map((program) => cachedBinaryPath(program, env)).join(', ');
      progress(`Built ${group.what} in ${seconds} s: ${paths}`);
    } catch (error) {
      throw new UserInputError(noBinariesMessage(group.programs, env, (error as Error).message));
    }
    for (const program of group.programs) found[program] = { path: cachedBinaryPath(program, env), source: 'go-build' };
  }
  return found as ServerBinaries;
}

function noBinariesMessage(missing: ServerProgram[], env: NodeJS.ProcessEnv, failure: string | null): string {
  return [
    `No ${missing.map((program) => SERVER_PROGRAMS[program].title).join(', ')} found. For each, any one of these fixes it:`,
    ...missing.map(
      (program) =>
        `  - set ${SERVER_PROGRAMS[program].envVar} to the binary, or place it at ${cachedBinaryPath(program, env)};`,
    ),
    `  - install Go ≥ ${MIN_GO.major}.${MIN_GO.minor} and run \`orchestrator cluster install\` (builds them from the Go module proxy: ` +
      `${missing.map((program) => SERVER_PROGRAMS[program].goPackage).join(', ')}; about 5 minutes).`,
    ...(failure ? [`Tried the Go build: ${failure}`] : []),
  ].join('\n');
}
