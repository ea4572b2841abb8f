/**
 * A loopback port nothing listens on: one the system just handed out and took back. For servers
 * started on a port of their own (a test's or the bench's PostgreSQL), and for a port known closed.
 */
import { createServer } from 'node:net';

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
