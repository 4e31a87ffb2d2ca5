/**
 * Opens many idle sessions and holds them: telgate sessions through the gateway (`gateway`: a session
 * counts once the gateway reports it connected to the host; `gateway-v2`: the same on telgate.v2, so the
 * gateway keeps each one's screen state) or plain WebSockets to the baseline relay (`ws`: once the
 * WebSocket is open). Reports how long opening them all took, then closes them on request — or drops
 * them (`drop`: the sockets are destroyed without a close handshake, as a lost network does, so
 * telgate.v2 sessions are detached and wait to be resumed).
 */

import WebSocket from 'ws';
import { GatewaySession } from '../clients/gateway-session.js';
import { monotonicMs } from '../stats.js';
import { onRequest, report, runWorker } from './runtime.js';

export interface ScaleClientsConfig {
  readonly mode: 'gateway' | 'gateway-v2' | 'ws';
  readonly url: string;
  readonly sessions: number;
  readonly concurrency: number;
}

/** `open` opens a batch and holds it; `close` closes the batch held. */
export type ScaleRequest =
  | { readonly type: 'open'; readonly config: ScaleClientsConfig }
  | { readonly type: 'close' }
  | { readonly type: 'drop' };

export type ScaleClientsMessage =
  | {
      readonly type: 'opened';
      readonly opened: number;
      readonly failed: number;
      readonly seconds: number;
      /** The first failure, if any. */
      readonly firstError?: string;
    }
  | { readonly type: 'closed'; readonly seconds: number }
  | { readonly type: 'ready' };

interface Held {
  close(): void;
  drop(): void;
  readonly closed: Promise<void>;
}

function openWs(url: string): Promise<Held> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const closed = new Promise<void>((done) => ws.once('close', () => done()));
    ws.once('open', () => {
      ws.off('error', reject);
      ws.on('error', () => {});
      resolve({ close: () => ws.close(1000), drop: () => ws.terminate(), closed });
    });
    ws.once('error', reject);
  });
}

async function openGateway(url: string, survival: boolean): Promise<Held> {
  const session = await GatewaySession.open(url, { survival });
  return { close: () => session.close(), drop: () => session.terminate(), closed: session.closed };
}

async function openAll(config: ScaleClientsConfig, held: Held[]): Promise<ScaleClientsMessage> {
  let failed = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = monotonicMs();
  const worker = async () => {
    while (next < config.sessions) {
      next++;
      try {
        held.push(
          await (config.mode === 'ws'
            ? openWs(config.url)
            : openGateway(config.url, config.mode === 'gateway-v2')),
        );
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, config.sessions) }, worker));
  return {
    type: 'opened',
    opened: held.length,
    failed,
    seconds: (monotonicMs() - started) / 1000,
    ...(firstError !== undefined && { firstError }),
  };
}

runWorker(async () => {
  let held: Held[] = [];
  onRequest<ScaleRequest>(async (request) => {
    if (request.type === 'open') {
      report(await openAll(request.config, held));
      return;
    }
    const closing = monotonicMs();
    const closed = held;
    held = [];
    for (const h of closed) {
      if (request.type === 'drop') h.drop();
      else h.close();
    }
    await Promise.race([
      Promise.all(closed.map((h) => h.closed)),
      new Promise((resolve) => setTimeout(resolve, 60_000)),
    ]);
    report({ type: 'closed', seconds: (monotonicMs() - closing) / 1000 } satisfies ScaleClientsMessage);
  });
  report({ type: 'ready' } satisfies ScaleClientsMessage);
});
