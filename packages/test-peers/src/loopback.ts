import { createServer, type Server, type Socket } from 'node:net';

export const LOOPBACK_HOST = '127.0.0.1';

/**
 * A port on 127.0.0.1 that was free a moment ago. Another process may take it before the caller binds
 * it, so callers that hand it to an external server retry when that server reports it in use.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, LOOPBACK_HOST, () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error(`unexpected address for a TCP server: ${String(address)}`));
      });
    });
  });
}

/** A TCP server on an ephemeral loopback port that tracks its sockets so stop() can end them all. */
export interface LoopbackServer {
  readonly port: number;
  /** Closes the listener and destroys every open connection. */
  stop(): Promise<void>;
}

export async function listenOnLoopback(onSocket: (socket: Socket) => void): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('loopback server has no TCP address');

  let stopping: Promise<void> | undefined;
  return {
    port: address.port,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return stopping;
    },
  };
}
