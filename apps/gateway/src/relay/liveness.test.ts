import { closeCodeFor, decodeServerFrame, SUBPROTOCOL } from '@telgate/protocol';
import { startScriptedHost } from '@telgate/test-peers';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { buildTestApp } from '../testing/gateway.js';
import { createTelnetRelay } from './index.js';

let app: FastifyInstance | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await app?.close();
  app = undefined;
});

async function gatewayWithPings(): Promise<number> {
  const host = await startScriptedHost(async (conn) => {
    await conn.read(1, 10_000).catch(() => undefined);
  });
  cleanups.push(() => host.stop());
  app = await buildTestApp(
    `
listen: { host: 127.0.0.1 }
targets: [{ id: t, host: 127.0.0.1, port: ${host.port} }]
limits: { pingIntervalMs: 100, pingTimeoutMs: 150 }
`,
    { onSession: createTelnetRelay() },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as { port: number }).port;
}

async function browser(port: number, autoPong: boolean) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?target=t`, SUBPROTOCOL, { autoPong });
  cleanups.push(() => ws.terminate());
  let pings = 0;
  ws.on('ping', () => pings++);
  const closed = new Promise<number>((resolve) => ws.once('close', resolve));
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      const result = decodeServerFrame(data);
      if (result.ok && result.frame.type === 'state' && result.frame.state === 'connected') resolve();
    });
    ws.once('error', reject);
  });
  return { ws, closed, pings: () => pings };
}

describe('browser liveness', () => {
  it('ends the session of a browser that stops answering pings with GW_ERR_CLIENT_GONE', async () => {
    const port = await gatewayWithPings();
    const { closed, pings } = await browser(port, false);
    const code = await Promise.race([
      closed,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no close in 5 s')), 5000)),
    ]);
    expect(code).toBe(closeCodeFor('GW_ERR_CLIENT_GONE'));
    expect(pings()).toBeGreaterThan(0);
  });

  it('keeps a browser that answers its pings', async () => {
    const port = await gatewayWithPings();
    const { ws, pings } = await browser(port, true);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(pings()).toBeGreaterThan(2);
    expect(ws.readyState).toBe(ws.OPEN);
  });
});
