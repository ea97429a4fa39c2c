import { createServer, type AddressInfo } from 'node:net';

/**
 * A port nothing listens on now (the kernel's pick, released at once). For a node whose link
 * must survive a restart: other test files' nodes run in parallel on the default dashboard port.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
