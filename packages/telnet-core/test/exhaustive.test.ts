/**
 * Every stream of up to five bytes over an alphabet of the bytes that steer the parser, cut at every point:
 * the events must not depend on where the stream was cut. Small enough to run in full, and it finds the
 * corner cases random streams reach only by luck.
 */
import { describe, expect, it } from 'vitest';
import { Cmd, TelnetEngine, type TelnetEngineOptions, type TelnetEvent } from '../src/index.js';
import { formatEvent, normalize } from './transcript.js';

const ALPHABET = [0x0d, 0x00, Cmd.IAC, 0x61, 0xf2, 0x80, Cmd.WILL, Cmd.SB, Cmd.SE];

function run(options: TelnetEngineOptions, chunks: Uint8Array[]): string {
  const events: TelnetEvent[] = [];
  const engine = new TelnetEngine(options, (e) => events.push(e));
  for (const c of chunks) engine.receive(c);
  const sends = normalize(events.filter((e) => e.type === 'send'));
  return [...normalize(events.filter((e) => e.type !== 'send')), ...sends].map(formatEvent).join(' | ');
}

describe.each([
  { start: 'passive', lostDm: 'utf8' },
  { start: 'passive', lostDm: 'off' },
] satisfies TelnetEngineOptions[])('exhaustive short streams (%o)', (options) => {
  it('give the same events at every cut', () => {
    const failures: string[] = [];
    const stream = new Uint8Array(5);
    for (let len = 1; len <= 5; len++) {
      const total = ALPHABET.length ** len;
      for (let k = 0; k < total; k++) {
        let x = k;
        for (let i = 0; i < len; i++) {
          stream[i] = ALPHABET[x % ALPHABET.length]!;
          x = Math.floor(x / ALPHABET.length);
        }
        const s = stream.subarray(0, len);
        const whole = run(options, [s]);
        for (let cut = 1; cut < len; cut++) {
          if (run(options, [s.subarray(0, cut), s.subarray(cut)]) !== whole) {
            failures.push(`${Array.from(s, (b) => b.toString(16)).join(' ')} cut at ${cut}`);
          }
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
