import net from 'node:net';

/** Returns a port (not in `avoid`) nothing listens on at 127.0.0.1 right now. */
export type PortPicker = (avoid: ReadonlySet<number>) => Promise<number>;

export const pickFreePort: PortPicker = async (avoid) => {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.unref();
      server.on('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
        const address = server.address();
        const p = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(p));
      });
    });
    if (port > 0 && !avoid.has(port)) return port;
  }
  throw new Error('Could not find a free local port for the runtime.');
};
