/**
 * The /ws endpoint under random and mutated message sequences from a real WebSocket client over
 * loopback, with the Telnet relay bridging to a scripted host: valid frames, frames with bad lengths
 * or unknown types, random bytes, text messages, oversized messages, fragmented messages and floods,
 * interleaved. Whatever arrives, the gateway must not crash or leak, and must end the session on the
 * first bad message with that message's documented close code — or keep it open when there is none.
 */
import {
  type ClientFrame,
  closeCodeFor,
  decodeClientFrame,
  decodeServerFrame,
  encodeClientFrame,
  type ServerFrame,
  SUBPROTOCOL,
} from '@telgate/protocol';
import { type ScriptedHost, startScriptedHost } from '@telgate/test-peers';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTelnetRelay } from '../relay/index.js';
import { buildTestApp, eventually, TEST_TIMEOUT_MS } from '../testing/gateway.js';

/** The smallest message size limit the configuration allows, so oversized messages stay cheap. */
const MAX_PAYLOAD = 1024;
const RUNS = 200;

/** One WebSocket message as the client sends it. */
type Message =
  | { readonly kind: 'binary'; readonly bytes: Uint8Array; readonly fragments: number }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'flood'; readonly bytes: Uint8Array; readonly count: number };

/** What the gateway must do with a sequence. */
type Outcome =
  | { readonly open: true; readonly logoutResults: number }
  | { readonly open: false; readonly code: number; readonly reason: string; readonly state: boolean };

const settingsArb = fc.record(
  {
    eol: fc.constantFrom('crlf' as const, 'crnul' as const, 'lf' as const),
    backspace: fc.constantFrom('del' as const, 'bs' as const),
    localEcho: fc.constantFrom('auto' as const, 'on' as const, 'off' as const),
  },
  { requiredKeys: [] },
);

/** Valid frames, ACK included: the scripted host is silent, so any ACK acknowledges too much. */
const validFrameArb: fc.Arbitrary<ClientFrame> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((data) => ({ type: 'input' as const, data })),
  fc
    .record({ cols: fc.integer({ min: 1, max: 0xffff }), rows: fc.integer({ min: 1, max: 0xffff }) })
    .map(({ cols, rows }) => ({ type: 'resize' as const, cols, rows })),
  fc
    .constantFrom('logout', 'interrupt', 'abort-output', 'are-you-there', 'break', 'nop', 'go-ahead')
    .map((action) => ({ type: 'action' as const, action }) as ClientFrame),
  fc.integer({ min: 1, max: 0xffffffff }).map((count) => ({ type: 'ack' as const, count })),
  settingsArb.map((settings) => ({ type: 'settings' as const, settings })),
);

/** A valid frame with one mutation: truncated, extended, its type byte replaced, or a byte flipped. */
const mutatedFrameArb: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    validFrameArb.map((frame) => encodeClientFrame(frame)),
    fc.oneof(
      fc.record({ cut: fc.nat() }).map((m) => ({ op: 'truncate' as const, ...m })),
      fc
        .record({ extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) })
        .map((m) => ({ op: 'extend' as const, ...m })),
      fc.record({ type: fc.integer({ min: 0, max: 0xff }) }).map((m) => ({ op: 'retype' as const, ...m })),
      fc
        .record({ at: fc.nat(), value: fc.integer({ min: 0, max: 0xff }) })
        .map((m) => ({ op: 'flip' as const, ...m })),
    ),
  )
  .map(([bytes, mutation]) => {
    switch (mutation.op) {
      case 'truncate':
        return bytes.slice(0, mutation.cut % (bytes.length + 1));
      case 'extend':
        return Uint8Array.from([...bytes, ...mutation.extra]);
      case 'retype': {
        const copy = bytes.slice();
        copy[0] = mutation.type;
        return copy;
      }
      default: {
        const copy = bytes.slice();
        copy[mutation.at % copy.length] = mutation.value;
        return copy;
      }
    }
  });

const binaryArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: validFrameArb.map((frame) => encodeClientFrame(frame)) },
  { weight: 3, arbitrary: mutatedFrameArb },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 32 }) },
  // Around the size limit: an INPUT frame of MAX_PAYLOAD - 8 … MAX_PAYLOAD + 8 bytes.
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: MAX_PAYLOAD - 8, max: MAX_PAYLOAD + 8 })
      .map((size) => encodeClientFrame({ type: 'input', data: new Uint8Array(size - 1).fill(0x61) })),
  },
);

const messageArb: fc.Arbitrary<Message> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(binaryArb, fc.integer({ min: 1, max: 4 }))
      .map(([bytes, fragments]) => ({ kind: 'binary' as const, bytes, fragments })),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 16 }).map((text) => ({ kind: 'text' as const, text })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.oneof(
          fc.constant(encodeClientFrame({ type: 'resize', cols: 80, rows: 24 })),
          fc.constant(encodeClientFrame({ type: 'settings', settings: { localEcho: 'auto' } })),
          fc.constant(encodeClientFrame({ type: 'action', action: 'nop' })),
          validFrameArb.map((frame) => encodeClientFrame(frame)),
        ),
        fc.integer({ min: 1, max: 300 }),
      )
      .map(([bytes, count]) => ({ kind: 'flood' as const, bytes, count })),
  },
);

/** Messages a well-behaved page sends (no ACK: there is nothing to acknowledge), alone or flooded. */
const goodMessageArb: fc.Arbitrary<Message> = fc
  .tuple(
    validFrameArb.filter((frame) => frame.type !== 'ack').map((frame) => encodeClientFrame(frame)),
    fc.integer({ min: 1, max: 4 }),
    fc.integer({ min: 1, max: 300 }),
    fc.boolean(),
  )
  .map(([bytes, fragments, count, flood]) =>
    flood ? { kind: 'flood' as const, bytes, count } : { kind: 'binary' as const, bytes, fragments },
  );

/** Half the sequences are well-behaved throughout; the rest mix in anything. */
const sequenceArb: fc.Arbitrary<Message[]> = fc.oneof(
  fc.array(goodMessageArb, { minLength: 1, maxLength: 12 }),
  fc.array(messageArb, { minLength: 1, maxLength: 12 }),
);

/** The documented outcome of one binary message on an open session: undefined while it is fine. */
function binaryOutcome(bytes: Uint8Array): Outcome | undefined {
  if (bytes.length > MAX_PAYLOAD) return { open: false, code: 1009, reason: '', state: false };
  const decoded = decodeClientFrame(bytes);
  // Nothing has been sent to acknowledge: every ACK acknowledges too much.
  if (!decoded.ok || decoded.frame.type === 'ack') return badFrame;
  return undefined;
}

const badFrame: Outcome = {
  open: false,
  code: closeCodeFor('GW_ERR_BAD_FRAME'),
  reason: 'GW_ERR_BAD_FRAME',
  state: true,
};

function isLogout(bytes: Uint8Array): boolean {
  const decoded = decodeClientFrame(bytes);
  return decoded.ok && decoded.frame.type === 'action' && decoded.frame.action === 'logout';
}

/** The first bad message decides; a sequence without one leaves the session open. */
function expectedOutcome(messages: readonly Message[]): Outcome {
  let logoutResults = 0;
  for (const message of messages) {
    if (message.kind === 'text') return badFrame;
    const outcome = binaryOutcome(message.bytes);
    if (outcome) return outcome;
    if (isLogout(message.bytes)) logoutResults += message.kind === 'flood' ? message.count : 1;
  }
  return { open: true, logoutResults };
}

function send(ws: WebSocket, message: Message): void {
  if (message.kind === 'text') {
    ws.send(message.text);
    return;
  }
  if (message.kind === 'flood') {
    for (let i = 0; i < message.count; i++) ws.send(message.bytes);
    return;
  }
  // A message in up to `fragments` WebSocket frames: the gateway sees one message all the same.
  const { bytes } = message;
  const size = Math.ceil(bytes.length / message.fragments) || 1;
  for (let offset = 0; ; offset += size) {
    const last = offset + size >= bytes.length;
    ws.send(bytes.subarray(offset, offset + size), { binary: true, fin: last });
    if (last) return;
  }
}

interface Run {
  readonly frames: ServerFrame[];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly ws: WebSocket;
  undecodable: number;
}

function open(url: string): Promise<Run> {
  const ws = new WebSocket(url, SUBPROTOCOL, { maxPayload: 16 * 1024 * 1024 });
  const run: Run = {
    ws,
    frames: [],
    undecodable: 0,
    closed: new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
    ),
  };
  ws.on('message', (data: Buffer) => {
    const decoded = decodeServerFrame(new Uint8Array(data));
    if (decoded.ok) run.frames.push(decoded.frame);
    else run.undecodable += 1;
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(run));
    ws.once('error', reject);
  });
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: nothing within ${TEST_TIMEOUT_MS} ms`)),
      TEST_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('/ws under fuzzed message sequences', () => {
  let host: ScriptedHost;
  let app: FastifyInstance;
  let url: string;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);

  beforeAll(async () => {
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
    // A silent host: it reads what it is sent and never writes.
    host = await startScriptedHost(async (connection) => {
      await connection.closed;
    });
    app = await buildTestApp(
      `listen: { host: 127.0.0.1 }\n` +
        `targets: [{ id: fuzz, host: 127.0.0.1, port: ${host.port}, protocol: raw }]\n` +
        `limits: { maxPayloadBytes: ${MAX_PAYLOAD}, maxSessions: 1000, maxSessionsPerIp: 1000, ` +
        `connectAttemptsPerMinutePerIp: 100000 }\n`,
      { onSession: createTelnetRelay() },
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening on TCP');
    url = `ws://127.0.0.1:${address.port}/ws?target=fuzz`;
  });

  afterAll(async () => {
    await app?.close();
    await host?.stop();
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
  });

  it('closes on the first bad message with its documented code, and otherwise stays open', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    await fc.assert(
      fc.asyncProperty(sequenceArb, async (messages) => {
        const expected = expectedOutcome(messages);
        const run = await open(url);
        try {
          for (const message of messages) {
            if (run.ws.readyState !== WebSocket.OPEN) break;
            send(run.ws, message);
          }
          if (expected.open) {
            // A final Logout is answered (`refused` on a raw target) only if every message before it
            // was taken: the answers count every Logout sent.
            run.ws.send(encodeClientFrame({ type: 'action', action: 'logout' }));
            const answers = () => run.frames.filter((frame) => frame.type === 'logout-result').length;
            await within(
              eventually(() => answers() >= expected.logoutResults + 1),
              'logout answers',
            );
            expect(answers()).toBe(expected.logoutResults + 1);
            expect(run.frames.some((frame) => frame.type === 'state' && frame.state === 'closed')).toBe(
              false,
            );
            run.ws.close(1000);
            expect((await within(run.closed, 'close')).code).toBe(1000);
          } else {
            const closed = await within(run.closed, 'close');
            expect(closed).toEqual({ code: expected.code, reason: expected.reason });
            if (expected.state) {
              expect(run.frames.at(-1)).toMatchObject({
                type: 'state',
                state: 'closed',
                code: 'GW_ERR_BAD_FRAME',
              });
            }
          }
          expect(run.undecodable).toBe(0);
        } finally {
          run.ws.terminate();
        }
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: 90_000 },
    );

    // Every session ended and was forgotten; nothing crashed; memory did not grow with the runs.
    await eventually(() => app.telgate.sessions.openSessions === 0);
    expect(crashes).toEqual([]);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);
    const metrics = await app.telgate.metrics.registry.metrics();
    expect(metrics).not.toContain('reason="GW_ERR_INTERNAL"');

    // The gateway still serves: a new session's input reaches the host.
    const run = await open(url);
    await within(
      eventually(() => run.frames.some((frame) => frame.type === 'state' && frame.state === 'connected')),
      'connected',
    );
    run.ws.send(encodeClientFrame({ type: 'input', data: new TextEncoder().encode('still here') }));
    await within(
      eventually(() => host.connections.some((c) => c.received.toString('latin1').includes('still here'))),
      'input after the runs',
    );
    run.ws.close(1000);
    await within(run.closed, 'close');
  }, 120_000);
});
