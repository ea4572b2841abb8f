/**
 * The shipped config/config.yaml for the config tests: edited through its YAML document (so an
 * edit cannot silently miss), parsed as config/config.yaml under the project root, and the problem
 * lines of one that must be refused.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { ConfigError, findProjectRoot, parseConfigText } from '../../../../lib/config/load';
import type { AppConfig } from '../../../../lib/config/types';
import { refusalProblems } from '../../../support/refusal-problems';

export const ROOT = findProjectRoot(__dirname);
export const SHIPPED = fs.readFileSync(path.join(ROOT, 'config', 'config.yaml'), 'utf8');
export const FILE = 'config/config.yaml';

/** The shipped file with one change made through the YAML document, so edits cannot silently miss. */
export function edited(change: (doc: Document) => void): string {
  const doc = parseDocument(SHIPPED);
  change(doc);
  return String(doc);
}

export function parse(text: string, env: NodeJS.ProcessEnv = {}): AppConfig {
  return parseConfigText(text, FILE, ROOT, env);
}

/** The problem lines of a config that must be refused. */
export function problems(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  return refusalProblems(() => parse(text, env), ConfigError, 'config');
}
