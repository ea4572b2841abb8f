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

/**
 * The shipped config/config.yaml as a YAML document, with the Temporal server at `address` and
 * every file the project writes (databases, backups, exports, temp files, logs) moved into `dir`.
 */
export function scratchConfigDoc(dir: string, address: string): Record<string, any> {
  const doc = YAML.parse(readFileSync(join(__dirname, '..', '..', 'config', 'config.yaml'), 'utf8'));
  doc.temporal = { ...doc.temporal, address, db_file: join(dir, 'temporal.db') };
  doc.storage = {
    ...doc.storage,
    database: join(dir, 'orchestrator.db'),
    backups_dir: join(dir, 'backups'),
    exports_dir: join(dir, 'exports'),
    temp_dir: join(dir, 'tmp'),
  };
  doc.logging = { ...doc.logging, dir: join(dir, 'logs') };
  return doc;
}

export function writeTempConfig(
  port: number,
  uiPort: number,
  edit: (doc: Record<string, any>) => void = () => undefined,
): TempConfig {
  const dir = mkdtempSync(join(tmpdir(), 'orchestrator-cli-'));
  const address = `127.0.0.1:${port}`;
  const doc = scratchConfigDoc(dir, address);
  doc.temporal.ui_port = uiPort;
  edit(doc);
  const path = join(dir, 'config.yaml');
  writeFileSync(path, YAML.stringify(doc));
  return { path, dir, address, uiPort };
}
