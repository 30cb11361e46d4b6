import { createServer } from 'node:net';

/**
 * A TCP port that is free on `host` right now: the OS picks it for a throw-away listener that is closed again.
 * Another process may take it before the caller binds it, so callers that spawn a server retry on failure.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error(`no port was assigned on ${host}`));
      });
    });
  });
}
