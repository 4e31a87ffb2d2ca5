/** Socket helpers shared by the hosts and clients. */
import type { Socket } from 'node:net';

/** Resolves when `socket` can take more (drain) or is gone (close); never rejects. */
export function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.once('drain', done);
    socket.once('close', done);
  });
}

/** The port a listening server was given. */
export function portOf(server: { address(): unknown }): number {
  const address = server.address();
  if (address === null || typeof address !== 'object' || !('port' in address)) {
    throw new Error(`not listening on TCP: ${String(address)}`);
  }
  return (address as { port: number }).port;
}
