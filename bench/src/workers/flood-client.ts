/**
 * A client that reads slowly: it takes at most `readBytesPerSecond` off its socket (pausing the socket
 * in between, so the backlog stays in the network and the relay in front of it), acknowledges what it
 * has read as the page does once it has rendered it, checks every byte (length and CRC-32), and sends
 * an Interrupt at given moments of the flood — the gateway's Interrupt action, or IAC IP itself through
 * a plain relay.
 */
import WebSocket from 'ws';
import { GatewaySession } from '../clients/gateway-session.js';
import { monotonicMs } from '../stats.js';
import { StreamChecksum } from '../stream.js';
import { report, runWorker, workerConfig } from './runtime.js';

export type FloodClientConfig = {
  readonly expectedBytes: number;
  readonly readBytesPerSecond: number;
  /** When to interrupt, in ms after the first byte arrived. */
  readonly interruptsAtMs: readonly number[];
  readonly timeoutMs: number;
} & ({ readonly mode: 'gateway'; readonly url: string } | { readonly mode: 'ws'; readonly url: string });

export type FloodClientMessage =
  | { readonly type: 'connected' }
  | {
      readonly type: 'result';
      readonly bytes: number;
      readonly crc: number;
      readonly seconds: number;
      /** When each interrupt was sent (monotonic ms). */
      readonly interruptsSentAt: number[];
      readonly ended?: string;
    };

const IAC_IP = Buffer.from([0xff, 0xf4]);
/** How often the reader wakes up to take its next share. */
const TICK_MS = 10;
/** How long interrupts sent after the last byte get to reach the host before the session is closed. */
const LATE_INTERRUPT_GRACE_MS = 500;

runWorker(async () => {
  const config = workerConfig<FloodClientConfig>();
  const sum = new StreamChecksum();
  const interruptsSentAt: number[] = [];
  let firstByteAt: number | undefined;
  let finished = false;
  let finishing = false;
  let paused = false;

  let pause: () => void;
  let resume: () => void;
  let interrupt: () => void;
  let stop: () => void;
  let endedWhy: () => string | undefined = () => undefined;

  const finish = (ended?: string, seconds?: number) => {
    if (finished) return;
    finished = true;
    clearTimeout(timeout);
    clearInterval(ticker);
    for (const timer of interruptTimers) clearTimeout(timer);
    stop();
    report({
      type: 'result',
      bytes: sum.bytes,
      crc: sum.crc,
      seconds: seconds ?? (firstByteAt === undefined ? 0 : (monotonicMs() - firstByteAt) / 1000),
      interruptsSentAt,
      ...(ended !== undefined && { ended }),
    } satisfies FloodClientMessage);
  };

  /** Reading is allowed while fewer bytes were read than the rate allows since the first byte. */
  const allowed = () =>
    firstByteAt === undefined ||
    sum.bytes < ((monotonicMs() - firstByteAt) / 1000) * config.readBytesPerSecond;
  const throttle = () => {
    if (finished) return;
    const ok = allowed();
    if (!ok && !paused) {
      paused = true;
      pause();
    } else if (ok && paused) {
      paused = false;
      resume();
    }
  };
  const interruptTimers: NodeJS.Timeout[] = [];
  /**
   * On a loaded machine the flood can end before an interrupt's timer fired: those interrupts go out
   * now, and the session stays open a moment so they reach the host, rather than being lost.
   */
  const finishAfterInterrupts = () => {
    const unsent = config.interruptsAtMs.length - interruptsSentAt.length;
    if (unsent === 0) return finish();
    if (finishing) return;
    finishing = true;
    for (const timer of interruptTimers) clearTimeout(timer);
    for (let n = 0; n < unsent; n++) {
      interruptsSentAt.push(monotonicMs());
      interrupt();
    }
    const seconds = firstByteAt === undefined ? 0 : (monotonicMs() - firstByteAt) / 1000;
    setTimeout(() => finish(undefined, seconds), LATE_INTERRUPT_GRACE_MS);
  };
  const receive = (chunk: Uint8Array) => {
    if (firstByteAt === undefined) {
      firstByteAt = monotonicMs();
      for (const at of config.interruptsAtMs) {
        interruptTimers.push(
          setTimeout(() => {
            interruptsSentAt.push(monotonicMs());
            interrupt();
          }, at),
        );
      }
    }
    sum.update(chunk);
    if (sum.bytes >= config.expectedBytes) finishAfterInterrupts();
    else throttle();
  };
  const ticker = setInterval(throttle, TICK_MS);
  const timeout = setTimeout(
    () => finish(`timed out after ${config.timeoutMs} ms${endedWhy() ? ` (${endedWhy()})` : ''}`),
    config.timeoutMs,
  );

  if (config.mode === 'gateway') {
    const session = await GatewaySession.open(config.url, { onOutput: receive });
    pause = () => session.pause();
    resume = () => session.resume();
    interrupt = () => session.sendAction('interrupt');
    stop = () => session.terminate();
    endedWhy = () => session.ended;
    void session.closed.then(() => finish(session.ended ?? 'the session closed'));
  } else {
    const ws = new WebSocket(config.url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.on('message', (data: Buffer) => receive(data));
    ws.on('close', (code) => finish(`the relay closed the WebSocket (${code})`));
    pause = () => ws.pause();
    resume = () => ws.resume();
    interrupt = () => ws.send(IAC_IP);
    stop = () => ws.terminate();
  }
  report({ type: 'connected' } satisfies FloodClientMessage);
});
