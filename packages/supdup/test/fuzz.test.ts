import { describe, expect, it } from 'vitest';
import { createSupdupClient, MAX_ARGUMENTS, Td } from '../src/index.js';

/** A small deterministic generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Argument bytes each code takes (RFC 734, plus the ITS region scrolls); %TDQOT's argument is data. */
const ARGUMENTS: Record<number, number> = {
  [Td.MOV]: 4,
  [Td.MV1]: 2,
  [Td.MV0]: 2,
  [Td.ILP]: 1,
  [Td.DLP]: 1,
  [Td.ICP]: 1,
  [Td.DCP]: 1,
  [Td.RSU]: 2,
  [Td.RSD]: 2,
};
const WITH_ARGUMENTS = Object.keys(ARGUMENTS).map(Number);
/** 'Z' appears in no escape sequence the engine writes (finals used: H J K X L M @ P S T r m). */
const MARKER = 0x5a;

describe('fuzz', () => {
  it('100 000 random and mutated inputs: no throw, the cursor on the screen, output bounded', () => {
    const next = random(734);
    const seeds = [
      Uint8Array.of(Td.NOP, Td.MOV, 1, 2, 3, 4, 0o101, Td.ILP, 5, Td.RSU, 3, 1, Td.ORS),
      Uint8Array.of(Td.GRF, 1, 2, 3, Td.QOT, 0o377, Td.CRL, Td.EOF),
    ];
    for (let round = 0; round < 100_000; round++) {
      let input: Uint8Array;
      if (round % 2 === 0) {
        input = Uint8Array.from({ length: Math.floor(next() * 48) }, () => Math.floor(next() * 256));
      } else {
        input = Uint8Array.from(seeds[round % seeds.length]!);
        for (let flips = 1 + Math.floor(next() * 4); flips > 0; flips--) {
          input[Math.floor(next() * input.length)] = Math.floor(next() * 256);
        }
      }
      const cols = 2 + Math.floor(next() * 20);
      const rows = 1 + Math.floor(next() * 10);
      let outputBytes = 0;
      const client = createSupdupClient({ cols, rows }, (event) => {
        if (event.type === 'output') outputBytes += event.data.length;
      });
      const cut = Math.floor(next() * (input.length + 1));
      client.receive(input.subarray(0, cut));
      client.receive(input.subarray(cut));
      const { row, col } = client.cursor;
      expect(row >= 0 && row < rows && col >= 0 && col <= cols).toBe(true);
      // The worst expansion is a region scroll: about 30 bytes for 3 input bytes.
      expect(outputBytes).toBeLessThanOrEqual(16 * input.length + 16);
    }
  });

  it('no byte of a %TD argument is ever drawn as text', () => {
    const next = random(747);
    for (let round = 0; round < 20_000; round++) {
      const input: number[] = [Td.NOP];
      for (let tokens = Math.floor(next() * 30); tokens > 0; tokens--) {
        const pick = next();
        if (pick < 0.4) {
          const code = WITH_ARGUMENTS[Math.floor(next() * WITH_ARGUMENTS.length)]!;
          input.push(code, ...Array<number>(ARGUMENTS[code]!).fill(MARKER));
        } else if (pick < 0.7) {
          // Text without the marker.
          for (let length = Math.floor(next() * 10); length > 0; length--) {
            const byte = Math.floor(next() * 0o200);
            input.push(byte === MARKER ? 0o101 : byte);
          }
        } else {
          // Any code without arguments (known or not), except %TDQOT whose argument is data.
          let code = 0o200 + Math.floor(next() * 0o200);
          if (code in ARGUMENTS || code === Td.QOT) code = Td.NOP;
          input.push(code);
        }
      }
      const bytes = Uint8Array.from(input);
      const cut = Math.floor(next() * (bytes.length + 1));
      const drawn: number[] = [];
      const client = createSupdupClient({ cols: 40, rows: 12 }, (event) => {
        if (event.type === 'output') drawn.push(...event.data);
      });
      client.receive(bytes.subarray(0, cut));
      client.receive(bytes.subarray(cut));
      expect(drawn.includes(MARKER)).toBe(false);
    }
  });

  it('an argument split over any number of reads is still an argument', () => {
    const client = createSupdupClient({ cols: 80, rows: 24 }, () => {});
    client.receive(Uint8Array.of(Td.NOP, Td.MOV));
    for (const byte of [MARKER, MARKER, 7, 9]) client.receive(Uint8Array.of(byte));
    expect(client.cursor).toEqual({ row: 7, col: 9 });
    expect(MAX_ARGUMENTS).toBe(4);
  });
});
