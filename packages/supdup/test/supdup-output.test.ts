import { describe, expect, it } from 'vitest';
import { createSupdupClient, decodeSupdupOutputBlock, Td } from '../src/index.js';
import { recorder } from './harness.js';

describe('RFC 749 SUPDUP-OUTPUT', () => {
  it('the parameters subnegotiation is 1 followed by the RFC 734 initialization', () => {
    const client = createSupdupClient({ cols: 80, rows: 24, rfc747Variables: false }, () => {});
    const payload = client.supdupOutputParameters();
    expect(payload[0]).toBe(1);
    expect([...payload.subarray(1, 7)]).toEqual([0o77, 0o77, 0o73, 0, 0, 0]);
    expect(payload.length).toBe(1 + 6 * 6);
  });

  it('a block draws its %TD codes from the given cursor, then puts the cursor at SCx, SCy', () => {
    const { events, handler } = recorder();
    const client = createSupdupClient({ cols: 80, rows: 24 }, handler);
    // N = 3: %TDEOL, "a", "b"; then SCx = 10 (horizontal), SCy = 2 (vertical).
    const ok = client.receiveOutputBlock(Uint8Array.of(2, 3, Td.EOL, 0o141, 0o142, 10, 2), {
      row: 5,
      col: 1,
    });
    expect(ok).toBe(true);
    expect(events).toEqual([{ type: 'output', text: '\x1b[Kab\x1b[3;11H' }]);
    expect(client.cursor).toEqual({ row: 2, col: 10 });
    expect(client.inGreeting).toBe(false);
  });

  it('a %TD code cut short at the end of a block is dropped, and %TDORS is not answered inside a block', () => {
    const { events, handler } = recorder();
    const client = createSupdupClient({ cols: 80, rows: 24 }, handler);
    client.receiveOutputBlock(Uint8Array.of(2, 3, Td.ORS, Td.MV0, 7, 0, 0), { row: 0, col: 0 });
    client.receiveOutputBlock(Uint8Array.of(2, 1, 0o141, 1, 0), { row: 0, col: 0 });
    expect(events).toEqual([
      { type: 'unknown-code', code: Td.ORS },
      { type: 'output', text: '\x1b[1;1Ha\x1b[1;2H' },
    ]);
  });

  it('malformed blocks are refused whole', () => {
    expect(decodeSupdupOutputBlock(Uint8Array.of(1, 0, 0, 0))).toBeUndefined();
    expect(decodeSupdupOutputBlock(Uint8Array.of(2, 2, 0o141, 0, 0))).toBeUndefined();
    expect(decodeSupdupOutputBlock(Uint8Array.of(2, 255, ...new Array(257).fill(0o141)))).toBeUndefined();
    const client = createSupdupClient({ cols: 80, rows: 24 }, () => {
      throw new Error('nothing should be emitted');
    });
    expect(client.receiveOutputBlock(Uint8Array.of(2), { row: 0, col: 0 })).toBe(false);
  });
});
