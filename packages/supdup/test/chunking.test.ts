import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Td } from '../src/index.js';
import { bytes, run, splitAt } from './harness.js';

/** A transcript touching every code with arguments, the greeting, text runs and the last-column rule. */
const TRANSCRIPT = bytes(
  'Greeting line\r\n',
  0o7,
  Td.NOP,
  Td.CLR,
  'top line',
  Td.MOV,
  9,
  9,
  3,
  70,
  'past the last column is dropped',
  Td.EOL,
  Td.MV0,
  4,
  2,
  Td.ILP,
  2,
  Td.DLP,
  1,
  Td.ICP,
  3,
  Td.DCP,
  2,
  Td.MV1,
  5,
  5,
  Td.QOT,
  0o101,
  Td.QOT,
  0o300,
  Td.RSU,
  4,
  1,
  Td.RSD,
  4,
  1,
  0o1,
  0o34,
  Td.GRF,
  'graphics',
  Td.CRL,
  Td.BOW,
  'x',
  Td.RST,
  Td.ORS,
  0o277,
  Td.BEL,
  Td.EOF,
  Td.DLF,
  Td.FS,
  Td.BS,
  Td.LF,
  Td.RCR,
  'end',
);

describe('chunking (every accumulator survives any split)', () => {
  const whole = run([TRANSCRIPT], { afterGreeting: false });

  it('the transcript exercises the codes it claims to', () => {
    expect(whole.events.map((event) => event.type)).toEqual([
      'output',
      'bell',
      'greeting-done',
      'output',
      'quoted',
      'output',
      'graphics-skipped',
      'output',
      'output-reset',
      'send',
      'unknown-code',
      'output',
      'bell',
      'output',
    ]);
  });

  it('split at every byte: the same events as the whole', () => {
    for (let cut = 0; cut <= TRANSCRIPT.length; cut++) {
      expect(run(splitAt(TRANSCRIPT, [cut]), { afterGreeting: false }).events).toEqual(whole.events);
    }
  });

  it('one byte at a time: the same events as the whole', () => {
    const singles = Array.from(TRANSCRIPT, (byte) => Uint8Array.of(byte));
    expect(run(singles, { afterGreeting: false }).events).toEqual(whole.events);
  });

  it('any random chunking of any input gives the same events (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat(300), { maxLength: 20 }),
        fc.boolean(),
        (input, cuts, afterGreeting) => {
          const reference = run([input], { afterGreeting, cols: 20, rows: 6 });
          const chunked = run(splitAt(input, cuts), { afterGreeting, cols: 20, rows: 6 });
          expect(chunked.events).toEqual(reference.events);
          expect(chunked.cursor).toEqual(reference.cursor);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
