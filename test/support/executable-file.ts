/** Stand-ins for the programs the project finds or builds (the Temporal CLI, the cluster's servers, `go`). */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Write `script` at `path` (making its folder) as a file the OS can run; returns `path`. */
export function writeExecutable(path: string, script = '#!/bin/sh\necho fake\n'): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return path;
}
