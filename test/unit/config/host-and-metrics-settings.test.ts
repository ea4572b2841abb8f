/**
 * The config keys of the host policy and the metrics endpoint: a site's declared `hosts`,
 * `metrics.host` (the endpoint listens on 127.0.0.1 unless set) and ORCHESTRATOR_METRICS_HOST, each
 * bad value named with file, key path and value.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { ConfigError, findProjectRoot, parseConfigText } from '../../../lib/config/load';
import { prometheusBindAddress } from '../../../workers/runtime';

const ROOT = findProjectRoot(__dirname);
const SHIPPED = fs.readFileSync(path.join(ROOT, 'config', 'config.yaml'), 'utf8');
const FILE = 'config/config.yaml';

function edited(change: (doc: Document) => void): string {
  const doc = parseDocument(SHIPPED);
  change(doc);
  return String(doc);
}

function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfigText(text, FILE, ROOT, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return [...error.problems];
  }
  assert.fail('the config was accepted');
}

describe('config: host policy and metrics endpoint keys', () => {
  it('a site may declare further hosts, lower-cased; none by default', () => {
    const shipped = parseConfigText(SHIPPED, FILE, ROOT, {});
    assert.ok(shipped.sites.every((site) => site.hosts === undefined));
    const config = parseConfigText(
      edited((doc) => doc.setIn(['sites', 'lamudi', 'hosts'], ['Lamudi.net', 'img.lamudi.com'])),
      FILE,
      ROOT,
      {},
    );
    assert.deepEqual(config.sites.find((site) => site.key === 'lamudi')!.hosts, ['lamudi.net', 'img.lamudi.com']);
  });

  it('refuses hosts that are not host names', () => {
    assert.deepEqual(problemsOf(edited((doc) => doc.setIn(['sites', 'lamudi', 'hosts'], ['https://lamudi.net/']))), [
      'config/config.yaml: sites.lamudi.hosts[0]: must be a host name such as "www.example.com" (no scheme, port, path or IP address), got "https://lamudi.net/"',
    ]);
    assert.deepEqual(problemsOf(edited((doc) => doc.setIn(['sites', 'lamudi', 'hosts'], ['10.0.0.1']))), [
      'config/config.yaml: sites.lamudi.hosts[0]: must be a host name such as "www.example.com" (no scheme, port, path or IP address), got "10.0.0.1"',
    ]);
  });

  it('metrics.host: absent → the endpoint listens on 127.0.0.1; set in the file or by ORCHESTRATOR_METRICS_HOST', () => {
    const shipped = parseConfigText(SHIPPED, FILE, ROOT, {});
    assert.equal(shipped.metrics.host, undefined);
    assert.equal(prometheusBindAddress(9464, shipped.metrics.host), '127.0.0.1:9464');
    const everywhere = parseConfigText(
      edited((doc) => doc.setIn(['metrics', 'host'], '0.0.0.0')),
      FILE,
      ROOT,
      {},
    );
    assert.equal(prometheusBindAddress(9464, everywhere.metrics.host), '0.0.0.0:9464');
    const fromEnv = parseConfigText(SHIPPED, FILE, ROOT, { ORCHESTRATOR_METRICS_HOST: '::' });
    assert.equal(prometheusBindAddress(9100, fromEnv.metrics.host), '[::]:9100');
  });

  it('a bad metrics.host names the key or the variable and the value', () => {
    assert.deepEqual(problemsOf(edited((doc) => doc.setIn(['metrics', 'host'], 'all-interfaces'))), [
      'config/config.yaml: metrics.host: must be an IP address to listen on, such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface), got "all-interfaces"',
    ]);
    assert.deepEqual(problemsOf(SHIPPED, { ORCHESTRATOR_METRICS_HOST: 'everywhere' }), [
      'environment variable ORCHESTRATOR_METRICS_HOST (overrides metrics.host): must be an IP address to listen on, such as 127.0.0.1 or 0.0.0.0, got "everywhere"',
    ]);
  });
});
