/**
 * Background load: many gateway sessions to the echo host, each typing a key every 1/rate seconds (at
 * random phases, so the keys are spread evenly), reading the echoes and acknowledging them as the page
 * does. Opens them when asked to start, reports once every session is connected, and counts keys and
 * echoes until it is stopped.
 */
import { GatewaySession } from '../clients/gateway-session.js';
import { onRequest, report, runWorker, workerConfig } from './runtime.js';

export interface LoadClientsConfig {
  readonly url: string;
  readonly sessions: number;
  readonly keysPerSecond: number;
  /** Sessions being opened at once. */
  readonly concurrency: number;
}

export type LoadRequest = { readonly type: 'start' } | { readonly type: 'stats' } | { readonly type: 'stop' };

export type LoadClientsMessage =
  | { readonly type: 'waiting' }
  | { readonly type: 'ready'; readonly sessions: number }
  | {
      readonly type: 'stats';
      readonly keys: number;
      readonly echoes: number;
      /** Sessions that ended while the load ran. */
      readonly ended: number;
    }
  | { readonly type: 'stopped'; readonly keys: number; readonly echoes: number; readonly ended: number };

const KEY = new Uint8Array([0x6b]); // 'k'

runWorker(async () => {
  const config = workerConfig<LoadClientsConfig>();
  const sessions: GatewaySession[] = [];
  const timers: NodeJS.Timeout[] = [];
  let keys = 0;
  let echoes = 0;
  let ended = 0;
  let stopping = false;
  const onOutput = (data: Uint8Array) => {
    for (const byte of data) if (byte === KEY[0]) echoes++;
  };

  const start = async () => {
    let next = 0;
    const openOne = async (): Promise<void> => {
      while (next < config.sessions) {
        next++;
        const session = await GatewaySession.open(config.url, { onOutput });
        void session.closed.then(() => {
          if (!stopping) ended++;
        });
        sessions.push(session);
      }
    };
    await Promise.all(Array.from({ length: Math.min(config.concurrency, config.sessions) }, openOne));

    const periodMs = 1000 / config.keysPerSecond;
    for (const session of sessions) {
      const type = () => {
        keys++;
        session.sendInput(KEY);
      };
      // A random phase per session, then a steady rhythm.
      timers.push(
        setTimeout(() => {
          type();
          timers.push(setInterval(type, periodMs));
        }, Math.random() * periodMs),
      );
    }

    report({ type: 'ready', sessions: sessions.length } satisfies LoadClientsMessage);
  };

  // Started (the process and its code loaded) early, typing only once asked to.
  onRequest<LoadRequest>(async (request) => {
    if (request.type === 'start') {
      await start();
      return;
    }
    if (request.type === 'stats') {
      report({ type: 'stats', keys, echoes, ended } satisfies LoadClientsMessage);
      return;
    }
    for (const timer of timers) clearTimeout(timer);
    // Every key typed must come back: wait for the last echoes before closing.
    const deadline = Date.now() + 10_000;
    while (echoes < keys && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    stopping = true;
    await Promise.all(
      sessions.map((s) => {
        s.close();
        return Promise.race([s.closed, new Promise((resolve) => setTimeout(resolve, 5000))]);
      }),
    );
    report({ type: 'stopped', keys, echoes, ended } satisfies LoadClientsMessage);
  });
  report({ type: 'waiting' } satisfies LoadClientsMessage);
});
