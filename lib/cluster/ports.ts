/**
 * The ports a Temporal cluster listens on, all on loopback: the frontend (temporal.address), the
 * Web UI (temporal.ui_port), PostgreSQL, and seven consecutive internal ports for the services
 * the frontend talks to. Pure, so the config check and the start share one definition.
 */

/** History, matching and worker gRPC, then the membership (ringpop) port of each of the four services. */
export const INTERNAL_PORT_COUNT = 7;

export interface InternalPorts {
  historyGrpc: number;
  matchingGrpc: number;
  workerGrpc: number;
  frontendMembership: number;
  historyMembership: number;
  matchingMembership: number;
  workerMembership: number;
}

export function internalPorts(first: number): InternalPorts {
  return {
    historyGrpc: first,
    matchingGrpc: first + 1,
    workerGrpc: first + 2,
    frontendMembership: first + 3,
    historyMembership: first + 4,
    matchingMembership: first + 5,
    workerMembership: first + 6,
  };
}

export interface ClusterPorts {
  frontend: number;
  ui: number;
  postgres: number;
  /** The first of INTERNAL_PORT_COUNT consecutive ports. */
  internalFirst: number;
}

/** Config keys naming each port, for messages. */
export const PORT_KEYS = {
  frontend: 'temporal.address',
  ui: 'temporal.ui_port',
  postgres: 'cluster.postgres_port',
  internalFirst: 'cluster.internal_ports',
} as const;

/**
 * Every port two settings claim at once, as a sentence naming both keys; empty when none does.
 * ("cluster.internal_ports (7234–7240) includes temporal.address's port 7236")
 */
export function portClashes(ports: ClusterPorts): string[] {
  const last = ports.internalFirst + INTERNAL_PORT_COUNT - 1;
  const range = `${PORT_KEYS.internalFirst} (${ports.internalFirst}–${last})`;
  const singles = (['frontend', 'ui', 'postgres'] as const).map((key) => ({ key: PORT_KEYS[key], port: ports[key] }));
  const clashes: string[] = [];
  for (const [index, single] of singles.entries()) {
    for (const other of singles.slice(index + 1)) {
      if (single.port === other.port) clashes.push(`${single.key} and ${other.key} are both port ${single.port}`);
    }
    if (single.port >= ports.internalFirst && single.port <= last) {
      clashes.push(`${range} includes ${single.key}'s port ${single.port}`);
    }
  }
  return clashes;
}
