/**
 * An idle host: accepts any number of connections and drops what it is sent (the gateway's negotiation
 * answers). By default it says nothing — what a NOC's quiet routers look like to the gateway. With
 * `greetingLines` it first prints that many lines of coloured text (a banner and a prompt, or enough to
 * fill a terminal's scrollback), then falls silent.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import { report, runWorker, workerConfig } from './runtime.js';
import { portOf } from './sockets.js';

export interface IdleHostConfig {
  /** Lines of 80 columns (SGR colours, CR LF) sent on every connection before falling silent. */
  readonly greetingLines?: number;
}

export type IdleHostMessage = { readonly type: 'ready'; readonly port: number };

/** `lines` lines of 80 visible columns each, coloured, ending in a prompt. */
export function greeting(lines: number): Buffer {
  const out: string[] = [];
  for (let k = 1; k <= lines; k++) {
    const text = `line ${String(k).padStart(5, '0')} of the host's greeting: the quick brown fox jumps over the dog`;
    out.push(`\x1b[${31 + (k % 7)}m${text.slice(0, 40)}\x1b[0m${text.slice(40).padEnd(40, '.')}\r\n`);
  }
  out.push('router> ');
  return Buffer.from(out.join(''), 'latin1');
}

runWorker(async () => {
  const config = workerConfig<IdleHostConfig>();
  const hello = config.greetingLines ? greeting(config.greetingLines) : undefined;
  const server = createServer((socket) => {
    if (hello) socket.write(hello);
    socket.on('data', () => {});
    socket.on('error', () => {});
  });
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
  await once(server, 'listening');
  report({ type: 'ready', port: portOf(server) } satisfies IdleHostMessage);
});
