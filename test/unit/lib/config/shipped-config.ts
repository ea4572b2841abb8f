/**
 * The shipped config/config.yaml for the config tests: edited through its YAML document (so an
 * edit cannot silently miss), parsed as config/config.yaml under the project root, and the problem
 * lines of one that must be refused.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { ConfigError, findProjectRoot, parseConfigText } from '../../../../lib/config/load';
import { UserInputError } from '../../../../lib/errors';
import type { AppConfig } from '../../../../lib/config/types';

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
  try {
    parse(text, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.ok(error instanceof UserInputError);
    assert.equal(error.message, error.problems.join('\n'));
    return [...error.problems];
  }
  assert.fail('the config was accepted');
}
