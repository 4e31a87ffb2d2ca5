/**
 * Keystroke latency: sends one byte, waits for its echo, and again, on one connection that stays open
 * between requests — straight to the echo host (`tcp`), through a plain WebSocket relay (`ws`: one
 * binary message each way), or through a gateway session (`gateway`), which decodes frames and
 * acknowledges output as the page does.
 */
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { GatewaySession } from '../clients/gateway-session.js';
import { monotonicMs } from '../stats.js';
import { onRequest, report, runWorker, workerConfig } from './runtime.js';

export type LatencyClientConfig =
  | { readonly mode: 'tcp'; readonly port: number }
  | { readonly mode: 'ws'; readonly url: string }
  | { readonly mode: 'gateway'; readonly url: string };

export type LatencyRequest = { readonly type: 'measure'; readonly samples: number };

export type LatencyClientMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'samples'; readonly ms: number[] };

/** The byte typed: a letter the host echoes unchanged (no CR, no IAC). */
const KEY = Buffer.from('x');
const KEY_INPUT = new Uint8Array(KEY);
/** No echo within this long means the path is broken, not slow. */
const ECHO_TIMEOUT_MS = 10_000;

runWorker(async () => {
  const config = workerConfig<LatencyClientConfig>();
  let waiting: (() => void) | undefined;
  const echoed = (chunk: Uint8Array) => {
    if (chunk.includes(KEY[0]!)) {
      const wake = waiting;
      waiting = undefined;
      wake?.();
    }
  };

  let send: () => void;
  if (config.mode === 'tcp') {
    const socket: Socket = connect({ port: config.port, host: '127.0.0.1', noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('data', echoed);
    socket.on('close', () => {
      throw new Error('the echo host closed the connection');
    });
    send = () => socket.write(KEY);
  } else if (config.mode === 'ws') {
    const ws = new WebSocket(config.url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.on('message', (data: Buffer) => echoed(data));
    ws.on('close', () => {
      throw new Error('the relay closed the WebSocket');
    });
    send = () => ws.send(KEY);
  } else {
    const session = await GatewaySession.open(config.url, { onOutput: echoed });
    void session.closed.then(() => {
      throw new Error(`the gateway session ended: ${session.ended}`);
    });
    send = () => session.sendInput(KEY_INPUT);
  }

  const roundTrip = () =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no echo within ${ECHO_TIMEOUT_MS} ms`)),
        ECHO_TIMEOUT_MS,
      );
      const sent = monotonicMs();
      waiting = () => {
        clearTimeout(timer);
        resolve(monotonicMs() - sent);
      };
      send();
    });

  // A few round trips first, so that connection set-up and lazy compilation are not in the samples.
  for (let k = 0; k < 50; k++) await roundTrip();

  onRequest<LatencyRequest>(async (request) => {
    const ms: number[] = [];
    for (let k = 0; k < request.samples; k++) ms.push(await roundTrip());
    report({ type: 'samples', ms } satisfies LatencyClientMessage);
  });
  report({ type: 'ready' } satisfies LatencyClientMessage);
});
