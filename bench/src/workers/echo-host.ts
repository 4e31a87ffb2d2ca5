/**
 * An echo host: every byte a client sends comes straight back. No Telnet negotiation of its own, so the
 * gateway (passive negotiation) sends nothing but the typed bytes and the echo is all that returns.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { report, runWorker } from './runtime.js';
import { portOf } from './sockets.js';

export type EchoHostMessage = { readonly type: 'ready'; readonly port: number };

runWorker(async () => {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('error', () => {});
  });
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
  await once(server, 'listening');
  report({ type: 'ready', port: portOf(server) } satisfies EchoHostMessage);
});
