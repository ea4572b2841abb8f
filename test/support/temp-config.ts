/** A copy of config/config.yaml with its ports and every path moved to a scratch folder, for tests that run the CLI. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';

export interface TempConfig {
  path: string;
  dir: string;
  address: string;
  uiPort: number;
}

export function writeTempConfig(
  port: number,
  uiPort: number,
  edit: (doc: Record<string, any>) => void = () => undefined,
): TempConfig {
  const dir = mkdtempSync(join(tmpdir(), 'orchestrator-cli-'));
  const doc = YAML.parse(readFileSync(join(__dirname, '..', '..', 'config', 'config.yaml'), 'utf8'));
  doc.temporal = { ...doc.temporal, address: `127.0.0.1:${port}`, ui_port: uiPort, db_file: join(dir, 'temporal.db') };
  doc.storage = {
    ...doc.storage,
    database: join(dir, 'orchestrator.db'),
    backups_dir: join(dir, 'backups'),
    exports_dir: join(dir, 'exports'),
    temp_dir: join(dir, 'tmp'),
  };
  doc.logging = { ...doc.logging, dir: join(dir, 'logs') };
  edit(doc);
  const path = join(dir, 'config.yaml');
  writeFileSync(path, YAML.stringify(doc));
  return { path, dir, address: `127.0.0.1:${port}`, uiPort };
}
