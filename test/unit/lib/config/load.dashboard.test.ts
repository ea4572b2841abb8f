/**
 * The dashboard's key: `dashboard.port` (8484 as shipped, and when the section is absent, so older
 * configuration files still load); a bad port is refused naming the key and the value.
 */
import assert from 'node:assert/strict';
import { edited, parse, problems, SHIPPED } from './shipped-config';

describe('config: dashboard', () => {
  it('dashboard.port: 8484 as shipped; another port when set; 8484 when the section is absent', () => {
    assert.deepEqual(parse(SHIPPED).dashboard, { port: 8484 });
    assert.deepEqual(parse(edited((doc) => doc.setIn(['dashboard', 'port'], 9000))).dashboard, { port: 9000 });
    assert.deepEqual(parse(edited((doc) => doc.delete('dashboard'))).dashboard, { port: 8484 });
  });

  it('a bad dashboard.port or an unknown key under dashboard names the key and the value', () => {
    assert.deepEqual(problems(edited((doc) => doc.setIn(['dashboard', 'port'], 70000))), [
      'config/config.yaml: dashboard.port: must be an integer port from 1 to 65535, got 70000',
    ]);
    assert.deepEqual(problems(edited((doc) => doc.setIn(['dashboard', 'port'], 'eighty'))), [
      'config/config.yaml: dashboard.port: must be an integer port from 1 to 65535, got "eighty"',
    ]);
    // It listens on 127.0.0.1 only: there is no host to set.
    assert.deepEqual(problems(edited((doc) => doc.setIn(['dashboard', 'host'], '0.0.0.0'))), [
      'config/config.yaml: dashboard: unknown key "host" (did you mean "port"?)',
    ]);
  });
});
