/**
 * Fuzzing: a million inputs (random bytes and mutated real transcripts, cut at random points) through engines in
 * both roles and all modes, with random local requests in between. Nothing may throw, the engine's own buffers
 * stay within their cap and the heap does not grow. TELNET_FUZZ_ITERATIONS and TELNET_FUZZ_SEED override the
 * defaults; a failure prints the seed and the input to replay it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '@telgate/test-peers';
import { describe, expect, it } from 'vitest';
import { Cmd, Opt, TelnetEngine, type TelnetEngineOptions } from '../src/index.js';
import { parseTranscript } from './transcript.js';

const ITERATIONS = Number(process.env.TELNET_FUZZ_ITERATIONS ?? 1_000_000);
const SEED = Number(process.env.TELNET_FUZZ_SEED ?? 0x7e1_9a7e);

const SPECIAL = [
  Cmd.IAC,
  Cmd.SB,
  Cmd.SE,
  Cmd.WILL,
  Cmd.WONT,
  Cmd.DO,
  Cmd.DONT,
  Cmd.DM,
  0x0d,
  0x00,
  0x0a,
  0xf2,
  0x80,
];
const OPTIONS = [
  Opt.BINARY,
  Opt.ECHO,
  Opt.SGA,
  Opt.STATUS,
  Opt.TIMING_MARK,
  Opt.LOGOUT,
  Opt.SUPDUP,
  Opt.TTYPE,
  Opt.EOR,
  Opt.NAWS,
  Opt.TSPEED,
  Opt.NEW_ENVIRON,
  Opt.CHARSET,
];

function corpus(): Uint8Array[] {
  const dir = join(import.meta.dirname, 'transcripts');
  const out: Uint8Array[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.tn'))) {
    for (const step of parseTranscript(readFileSync(join(dir, f), 'utf8')).steps) {
      if (step.kind === 'in') out.push(step.bytes);
    }
  }
  return out;
}

describe('fuzzing', () => {
  it(`survives ${ITERATIONS.toLocaleString('en')} random and mutated inputs with bounded memory`, {
    timeout: 600_000,
  }, () => {
    const rnd = seededRandom(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const int = (n: number) => Math.floor(rnd() * n);
    const seeds = corpus();
    expect(seeds.length).toBeGreaterThan(40);

    const randomInput = (): Uint8Array => {
      const len = int(64);
      const out = new Uint8Array(len);
      for (let k = 0; k < len; k++) {
        const r = rnd();
        out[k] = r < 0.3 ? pick(SPECIAL) : r < 0.45 ? pick(OPTIONS) : int(256);
      }
      return out;
    };
    const mutate = (src: Uint8Array): Uint8Array => {
      const bytes = Array.from(src);
      const edits = 1 + int(4);
      for (let e = 0; e < edits; e++) {
        const at = int(bytes.length + 1);
        switch (int(5)) {
          case 0:
            if (bytes.length > 0) bytes[at % bytes.length] = int(256);
            break;
          case 1:
            bytes.splice(at, 0, pick(SPECIAL));
            break;
          case 2:
            bytes.splice(at, 1 + int(4));
            break;
          case 3:
            bytes.splice(at, 0, ...bytes.slice(0, int(16)));
            break;
          default:
            bytes.length = Math.min(bytes.length, at);
        }
      }
      return Uint8Array.from(bytes);
    };

    let engine: TelnetEngine;
    let cap = 4096;
    let sent = 0;
    const newEngine = () => {
      cap = pick([16, 64, 512, 4096]);
      const options: TelnetEngineOptions = {
        role: pick(['client', 'server'] as const),
        start: pick(['active', 'passive'] as const),
        lostDm: pick(['utf8', 'expected', 'off'] as const),
        eol: pick(['crlf', 'crnul', 'lf'] as const),
        maxSubnegotiation: cap,
        environ: { USER: 'fuzz' },
        windowSize: { cols: 80, rows: 24 },
        policy: rnd() < 0.2 ? { [Opt.SUPDUP]: { local: 'accept', remote: 'accept' } } : {},
      };
      engine = new TelnetEngine(options, (e) => {
        if (e.type === 'send') sent += e.data.length;
      });
      engine.start();
    };
    newEngine();

    const heapBefore = process.memoryUsage().heapUsed;
    let input: Uint8Array = new Uint8Array(0);
    try {
      for (let n = 0; n < ITERATIONS; n++) {
        if (n % 200 === 0) newEngine();
        input = rnd() < 0.5 ? randomInput() : mutate(pick(seeds));
        let prev = 0;
        const cuts = int(4);
        for (let c = 0; c < cuts && prev < input.length; c++) {
          const at = prev + int(input.length - prev + 1);
          engine!.receive(input.subarray(prev, at));
          prev = at;
        }
        engine!.receive(input.subarray(prev));
        if (n % 7 === 0) {
          const opt = pick(OPTIONS);
          if (rnd() < 0.5) engine!.requestLocal(opt, rnd() < 0.5);
          else engine!.requestRemote(opt, rnd() < 0.5);
          engine!.sendInput(randomInput());
          engine!.setWindowSize(int(300), int(300));
        }
        if (engine!.bufferedBytes > cap)
          throw new Error(`subnegotiation buffer ${engine!.bufferedBytes} > cap ${cap}`);
      }
    } catch (err) {
      const hex = Array.from(input, (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new Error(`fuzz failure with TELNET_FUZZ_SEED=${SEED}: ${(err as Error).message}\ninput: ${hex}`);
    }
    expect(sent).toBeGreaterThan(0);
    const growth = process.memoryUsage().heapUsed - heapBefore;
    expect(growth, 'heap growth over the whole run').toBeLessThan(64 * 1024 * 1024);
  });
});
