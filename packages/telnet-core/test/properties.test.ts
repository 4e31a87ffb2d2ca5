import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Cmd,
  concatBytes,
  Opt,
  type PolicyTable,
  TelnetEngine,
  type TelnetEngineOptions,
  type TelnetEvent,
} from '../src/index.js';
import { splitAt, telnetStream } from './streams.js';
import { formatEvent, normalize } from './transcript.js';

/** Runs the engine over the chunks; returns the event log with sends gathered at the end (a stream of their own). */
function run(options: TelnetEngineOptions, chunks: Uint8Array[]): string[] {
  const events: TelnetEvent[] = [];
  const engine = new TelnetEngine(options, (e) => events.push(e));
  engine.start();
  for (const c of chunks) engine.receive(c);
  const sends = normalize(events.filter((e) => e.type === 'send'));
  return [...normalize(events.filter((e) => e.type !== 'send')), ...sends].map(formatEvent);
}

const engineOptions = fc.record({
  role: fc.constantFrom('client' as const, 'server' as const),
  start: fc.constantFrom('active' as const, 'passive' as const),
  lostDm: fc.constantFrom('utf8' as const, 'expected' as const, 'off' as const),
  maxSubnegotiation: fc.constantFrom(16, 64, 4096),
  policy: fc.constantFrom<PolicyTable>({}, { [Opt.SUPDUP]: { remote: 'accept', local: 'accept' } }),
});

describe('chunk-split invariance', () => {
  it('gives the same events at every split of a random stream', () => {
    fc.assert(
      fc.property(
        engineOptions,
        telnetStream,
        fc.array(fc.nat(), { maxLength: 12 }),
        (options, stream, cuts) => {
          const whole = run(options, [stream]);
          expect(run(options, splitAt(stream, cuts))).toEqual(whole);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('gives the same events fed one byte at a time', () => {
    fc.assert(
      fc.property(engineOptions, telnetStream, (options, stream) => {
        const bytes = Array.from(stream, (b) => Uint8Array.of(b));
        expect(run(options, bytes)).toEqual(run(options, [stream]));
      }),
      { numRuns: 500 },
    );
  });
});

/** Runs the engine over copies of the chunks, each handed over (`receive(chunk, true)`). */
function runOwned(options: TelnetEngineOptions, chunks: Uint8Array[]): string[] {
  const events: TelnetEvent[] = [];
  const engine = new TelnetEngine(options, (e) => events.push(e));
  engine.start();
  for (const c of chunks) engine.receive(c.slice(), true);
  const sends = normalize(events.filter((e) => e.type === 'send'));
  return [...normalize(events.filter((e) => e.type !== 'send')), ...sends].map(formatEvent);
}

/** Text runs long enough to be moved in one go (more than 32 bytes), with the escapes that make compaction. */
const compactedStream = fc
  .array(
    fc.oneof(
      telnetStream,
      fc
        .array(fc.integer({ min: 0x20, max: 0x7e }), { minLength: 33, maxLength: 300 })
        .map((a) => Uint8Array.from(a)),
      fc.constantFrom(Uint8Array.of(0xff, 0xff), Uint8Array.of(0x0d, 0x00), Uint8Array.of(0xf2, 0x41)),
    ),
    { maxLength: 24 },
  )
  .map(concatBytes);

describe('chunks handed over (compacted in place)', () => {
  it('gives the same events as chunks the engine must not touch, at every split', () => {
    fc.assert(
      fc.property(
        engineOptions,
        compactedStream,
        fc.array(fc.nat(), { maxLength: 12 }),
        (options, stream, cuts) => {
          const chunks = splitAt(stream, cuts);
          expect(runOwned(options, chunks)).toEqual(run(options, chunks));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('leaves a chunk it was not handed as it was', () => {
    fc.assert(
      fc.property(engineOptions, compactedStream, (options, stream) => {
        const before = stream.slice();
        run(options, [stream]);
        expect(stream).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('compacts a handed-over chunk within its own bytes, the data a view of it', () => {
    const text = Uint8Array.from({ length: 100 }, (_, k) => 0x41 + (k % 26));
    const chunk = concatBytes([text, Uint8Array.of(0xff, 0xff), text, Uint8Array.of(0x0d, 0x00), text]);
    const data: Uint8Array[] = [];
    const engine = new TelnetEngine({ start: 'passive' }, (e) => {
      if (e.type === 'data') data.push(e.data);
    });
    engine.receive(chunk, true);
    expect(data).toHaveLength(1);
    expect(data[0]!.buffer).toBe(chunk.buffer);
    expect(Array.from(data[0]!)).toEqual([...text, 0xff, ...text, 0x0d, ...text]);
  });
});

/** A connected pair: what one sends the other receives. Delivery is explicit so tests choose interleavings. */
function pair(a: TelnetEngineOptions, b: TelnetEngineOptions) {
  const toB: Uint8Array[] = [];
  const toA: Uint8Array[] = [];
  const received = { a: [] as Uint8Array[], b: [] as Uint8Array[] };
  let messages = 0;
  const client = new TelnetEngine(a, (e) => {
    if (e.type === 'send') toB.push(e.data.slice());
    else if (e.type === 'data') received.a.push(e.data.slice());
    else if (e.type === 'trace' && e.direction === 'out') messages++;
  });
  const server = new TelnetEngine(b, (e) => {
    if (e.type === 'send') toA.push(e.data.slice());
    else if (e.type === 'data') received.b.push(e.data.slice());
    else if (e.type === 'trace' && e.direction === 'out') messages++;
  });
  return {
    client,
    server,
    received,
    get messages() {
      return messages;
    },
    /** Delivers one pending chunk in the given direction; false when nothing was pending. */
    step(direction: 'toA' | 'toB'): boolean {
      const q = direction === 'toA' ? toA : toB;
      const chunk = q.shift();
      if (!chunk) return false;
      (direction === 'toA' ? client : server).receive(chunk);
      return true;
    },
    drain(limit = 10_000): number {
      let steps = 0;
      while ((toA.length > 0 || toB.length > 0) && steps < limit) {
        if (toA.length > 0) this.step('toA');
        if (toB.length > 0) this.step('toB');
        steps++;
      }
      return steps;
    },
  };
}

describe('IAC escaping round trip', () => {
  it('carries every one of the 256 byte values through sendData and receive, in NVT and in BINARY', () => {
    const all = Uint8Array.from({ length: 256 }, (_, k) => k);
    for (const binary of [false, true]) {
      const p = pair(
        { start: 'passive', lostDm: 'off' },
        { role: 'server', start: 'passive', lostDm: 'off' },
      );
      if (binary) {
        p.client.requestLocal(Opt.BINARY, true);
        p.server.requestRemote(Opt.BINARY, true);
        p.drain();
        expect(p.client.isEnabled('local', Opt.BINARY)).toBe(true);
      }
      p.client.sendData(all);
      p.drain();
      expect(concatBytes(p.received.b)).toEqual(all);
    }
  });

  it('round-trips random data at random splits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 8 }), (data, cuts) => {
        const out: TelnetEvent[] = [];
        const sender = new TelnetEngine({ start: 'passive' }, (e) => out.push(e));
        sender.sendData(data);
        const wire = concatBytes(
          out.filter((e) => e.type === 'send').map((e) => (e as { data: Uint8Array }).data),
        );
        const got: Uint8Array[] = [];
        const receiver = new TelnetEngine({ role: 'server', start: 'passive', lostDm: 'off' }, (e) => {
          if (e.type === 'data') got.push(e.data.slice());
        });
        for (const c of splitAt(wire, cuts)) receiver.receive(c);
        expect(concatBytes(got)).toEqual(data);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('negotiation between two engines', () => {
  const options = [Opt.BINARY, Opt.ECHO, Opt.SGA, Opt.STATUS, Opt.EOR, Opt.TTYPE, Opt.NAWS, Opt.CHARSET, 99];
  const request = fc.record({
    who: fc.constantFrom('client' as const, 'server' as const),
    side: fc.constantFrom('local' as const, 'remote' as const),
    option: fc.constantFrom(...options),
    enable: fc.boolean(),
    deliver: fc.array(fc.constantFrom('toA' as const, 'toB' as const), { maxLength: 3 }),
  });

  it('always converges, with a bounded number of messages and no loop', () => {
    fc.assert(
      fc.property(fc.array(request, { maxLength: 40 }), fc.boolean(), (requests, active) => {
        const start = active ? ('active' as const) : ('passive' as const);
        const p = pair({ start }, { role: 'server', start });
        p.client.start();
        p.server.start();
        for (const r of requests) {
          const engine = r.who === 'client' ? p.client : p.server;
          // Requests may be refused (policy, already enabled…): that is fine, they must simply not loop.
          if (r.side === 'local') engine.requestLocal(r.option, r.enable);
          else engine.requestRemote(r.option, r.enable);
          for (const d of r.deliver) p.step(d);
        }
        const steps = p.drain();
        expect(steps).toBeLessThan(10_000);
        // Each request costs at most a request and a queued follow-up on each side, plus the start offers.
        expect(p.messages).toBeLessThanOrEqual(4 * requests.length + 40);
        const unsettled: string[] = [];
        for (let opt = 0; opt < 256; opt++) {
          for (const [name, us, them] of [
            ['client', p.client, p.server],
            ['server', p.server, p.client],
          ] as const) {
            const mine = us.optionState('local', opt);
            const theirs = them.optionState('remote', opt);
            if ((mine !== 'yes' && mine !== 'no') || mine !== theirs)
              unsettled.push(`${name} ${opt}: ${mine}/${theirs}`);
          }
        }
        expect(unsettled, 'every option settled, both sides agreeing').toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});

describe('subnegotiation cap', () => {
  it('never keeps more than the cap and never leaks SB content into data', () => {
    const SB_BYTE = 0x53; // 'S': only ever inside subnegotiations in these streams
    const piece = fc.oneof(
      fc.array(fc.integer({ min: 0x20, max: 0x52 }), { minLength: 1, maxLength: 20 }),
      fc
        .integer({ min: 0, max: 200 })
        .map((n) => [Cmd.IAC, Cmd.SB, Opt.TTYPE, ...new Array(n).fill(SB_BYTE), Cmd.IAC, Cmd.SE]),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 20 }),
        fc.integer({ min: 16, max: 120 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (pieces, cap, cuts) => {
          const stream = Uint8Array.from(pieces.flat());
          const events: TelnetEvent[] = [];
          const engine = new TelnetEngine({ start: 'passive', maxSubnegotiation: cap }, (e) =>
            events.push(e),
          );
          engine.receive(Uint8Array.of(Cmd.IAC, Cmd.DO, Opt.TTYPE));
          for (const c of splitAt(stream, cuts)) engine.receive(c);
          for (const e of events) {
            if (e.type === 'subnegotiation') expect(e.data.length).toBeLessThanOrEqual(cap);
            if (e.type === 'data') expect(e.data.includes(SB_BYTE)).toBe(false);
          }
          const overflows = events.filter(
            (e) => e.type === 'warning' && e.code === 'TELNET_ERR_SB_OVERFLOW',
          ).length;
          const tooLong = pieces.filter((p) => p.length > 0 && p[0] === Cmd.IAC && p.length - 5 > cap).length;
          expect(overflows).toBe(tooLong);
        },
      ),
      { numRuns: 500 },
    );
  });
});
