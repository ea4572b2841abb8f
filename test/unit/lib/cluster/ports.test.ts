/** The cluster's ports: seven consecutive internal ones, and every port two settings would share, named by both keys. */
import { strict as assert } from 'node:assert';
import { INTERNAL_PORT_COUNT, internalPorts, portClashes } from '../../../../lib/cluster/ports';

describe('lib/cluster/ports', () => {
  it('lays the internal ports out consecutively from the first', () => {
    const ports = internalPorts(7234);
    assert.deepEqual(ports, {
      historyGrpc: 7234,
      matchingGrpc: 7235,
      workerGrpc: 7236,
      frontendMembership: 7237,
      historyMembership: 7238,
      matchingMembership: 7239,
      workerMembership: 7240,
    });
    assert.equal(new Set(Object.values(ports)).size, INTERNAL_PORT_COUNT);
  });

  it('finds no clash in the shipped defaults', () => {
    assert.deepEqual(portClashes({ frontend: 7233, ui: 8233, postgres: 15432, internalFirst: 7234 }), []);
  });

  it('names both keys of a port used twice, and a port inside the internal range', () => {
    assert.deepEqual(portClashes({ frontend: 7233, ui: 7233, postgres: 7240, internalFirst: 7234 }), [
      'temporal.address and temporal.ui_port are both port 7233',
      "cluster.internal_ports (7234–7240) includes cluster.postgres_port's port 7240",
    ]);
    assert.deepEqual(portClashes({ frontend: 7236, ui: 8233, postgres: 15432, internalFirst: 7234 }), [
      "cluster.internal_ports (7234–7240) includes temporal.address's port 7236",
    ]);
    // The ends of the range count; the ports just outside it do not.
    assert.equal(portClashes({ frontend: 7233, ui: 7241, postgres: 7234, internalFirst: 7234 }).length, 1);
  });
});
