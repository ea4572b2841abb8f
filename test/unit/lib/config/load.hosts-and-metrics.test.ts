/**
 * The config keys of the host policy and the metrics endpoint: a site's declared `hosts`,
 * `metrics.host` (the endpoint listens on 127.0.0.1 unless set) and ORCHESTRATOR_METRICS_HOST, each
 * bad value named with file, key path and value.
 */
import assert from 'node:assert/strict';
import { prometheusBindAddress } from '../../../../workers/runtime';
import { edited, parse, problems, SHIPPED } from './shipped-config';

describe('config: host policy and metrics endpoint keys', () => {
  it('a site may declare further hosts, lower-cased; none by default', () => {
    const shipped = parse(SHIPPED);
    assert.ok(shipped.sites.every((site) => site.hosts === undefined));
    const config = parse(edited((doc) => doc.setIn(['sites', 'lamudi', 'hosts'], ['Lamudi.net', 'img.lamudi.com'])));
    assert.deepEqual(config.sites.find((site) => site.key === 'lamudi')!.hosts, ['lamudi.net', 'img.lamudi.com']);
  });

  it('refuses hosts that are not host names', () => {
    assert.deepEqual(problems(edited((doc) => doc.setIn(['sites', 'lamudi', 'hosts'], ['https://lamudi.net/']))), [
      'config/config.yaml: sites.lamudi.hosts[0]: must be a host name such as "www.example.com" (no scheme, port, path or IP address), got "https://lamudi.net/"',
    ]);
    assert.deepEqual(problems(edited((doc) => doc.setIn(['sites', 'lamudi', 'hosts'], ['10.0.0.1']))), [
      'config/config.yaml: sites.lamudi.hosts[0]: must be a host name such as "www.example.com" (no scheme, port, path or IP address), got "10.0.0.1"',
    ]);
  });

  it('metrics.host: absent → the endpoint listens on 127.0.0.1; set in the file or by ORCHESTRATOR_METRICS_HOST', () => {
    const shipped = parse(SHIPPED);
    assert.equal(shipped.metrics.host, undefined);
    assert.equal(prometheusBindAddress(9464, shipped.metrics.host), '127.0.0.1:9464');
    const everywhere = parse(edited((doc) => doc.setIn(['metrics', 'host'], '0.0.0.0')));
    assert.equal(prometheusBindAddress(9464, everywhere.metrics.host), '0.0.0.0:9464');
    const fromEnv = parse(SHIPPED, { ORCHESTRATOR_METRICS_HOST: '::' });
    assert.equal(prometheusBindAddress(9100, fromEnv.metrics.host), '[::]:9100');
  });

  it('a bad metrics.host names the key or the variable and the value', () => {
    assert.deepEqual(problems(edited((doc) => doc.setIn(['metrics', 'host'], 'all-interfaces'))), [
      'config/config.yaml: metrics.host: must be an IP address to listen on, such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface), got "all-interfaces"',
    ]);
    assert.deepEqual(problems(SHIPPED, { ORCHESTRATOR_METRICS_HOST: 'everywhere' }), [
      'environment variable ORCHESTRATOR_METRICS_HOST (overrides metrics.host): must be an IP address to listen on, such as 127.0.0.1 or 0.0.0.0, got "everywhere"',
    ]);
  });
});
