import { describe, expect, it } from 'vitest';
import { buildTtyopt, createSupdupClient, encodeInitialization, type SupdupEvent } from '../src/index.js';

/** The handshake bytes grouped into words of six bytes. */
function handshake(options: Parameters<typeof createSupdupClient>[0]): number[][] {
  const sent: number[] = [];
  const client = createSupdupClient(options, (event: SupdupEvent) => {
    if (event.type === 'send') sent.push(...event.data);
  });
  client.start();
  client.start(); // a second start sends nothing
  const words: number[][] = [];
  for (let offset = 0; offset < sent.length; offset += 6) words.push(sent.slice(offset, offset + 6));
  return words;
}

describe('initialization (RFC 734 "INITIALIZATION", RFC 747)', () => {
  it('80 × 24 with the RFC 747 variables, derived by hand', () => {
    // Every word is six 6-bit bytes, most significant first: two octal digits per byte.
    // Count: −8,,0 → left half 1000000 − 10 = 777770 (octal) → 77 77 70 | 00 00 00   (RFC 747: 777770000000)
    // TCTYP: 7 (%TNSFW)                                          → 00 00 00 | 00 00 07
    // TTYOPT: left %TOERS 40000 + %TOMVB 10000 + %TOMVU 400 + %TOMOR 200 + %TOLWR 20 + %TOFCI 10
    //         + %TOLID 2 + %TOCID 1 = 50633; right %TPCBS 40 + %TPORS 10 = 50 → 05 06 33 | 00 00 50
    // TCMXV: 24. = 30 octal                                      → 00 00 00 | 00 00 30
    // TCMXH: 80. − 1 = 79. = 117 octal                           → 00 00 00 | 00 01 17
    // TTYROL: 1                                                  → 00 00 00 | 00 00 01
    // SMARTS, ISPEED, OSPEED: 0                                  → 6 × 00, three times
    expect(handshake({ cols: 80, rows: 24 })).toEqual([
      [0o77, 0o77, 0o70, 0, 0, 0],
      [0, 0, 0, 0, 0, 0o7],
      [0o5, 0o6, 0o33, 0, 0, 0o50],
      [0, 0, 0, 0, 0, 0o30],
      [0, 0, 0, 0, 0o1, 0o17],
      [0, 0, 0, 0, 0, 0o1],
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0],
    ]);
  });

  it('RFC 734 only (five variables), 132 × 50 clamped to 128 columns, speeds ignored', () => {
    // Count −5,,0 → 777773 → 77 77 73 00 00 00. TCMXV 50. = 62 octal; TCMXH 127. = 177 octal → 01 77.
    const sent = handshake({ cols: 132, rows: 50, rfc747Variables: false, ispeed: 9600 });
    expect(sent).toEqual([
      [0o77, 0o77, 0o73, 0, 0, 0],
      [0, 0, 0, 0, 0, 0o7],
      [0o5, 0o6, 0o33, 0, 0, 0o50],
      [0, 0, 0, 0, 0, 0o62],
      [0, 0, 0, 0, 0o1, 0o77],
      [0, 0, 0, 0, 0, 0o1],
    ]);
  });

  it('user options and speeds land in the right bits', () => {
    // 9600. = 22600 octal → 00 00 00 02 26 00; 1200. = 2260 octal → 00 00 00 00 22 60.
    const sent = handshake({
      cols: 40,
      rows: 12,
      ispeed: 9600,
      ospeed: 1200,
      fullCharacterInput: false,
      more: false,
      scroll: true,
      sailCharacters: true,
      swapParentheses: true,
      outputResets: false,
    });
    // left: 40000 + 10000 + 400 + 20 + 2 + 1 (base) + 4000 (%TOSAI) + 100 (%TOROL) = 54523; right 40 + 200 = 240.
    expect(sent[2]).toEqual([0o5, 0o45, 0o23, 0, 0o2, 0o40]);
    expect(sent[7]).toEqual([0, 0, 0, 0o2, 0o26, 0]);
    expect(sent[8]).toEqual([0, 0, 0, 0, 0o22, 0o60]);
  });

  it('TTYOPT always has %TPCBS, never %TOOVR (xterm.js cannot overprint)', () => {
    const ttyopt = buildTtyopt({});
    expect((ttyopt % 0o1000000) & 0o40).toBe(0o40);
    expect(Math.floor(ttyopt / 0o1000000) & 0o1000).toBe(0);
  });

  it('encodes any 36-bit value exactly (no 32-bit truncation)', () => {
    const bytes = encodeInitialization({ tctyp: 7, ttyopt: 0o777777777777, tcmxv: 1, tcmxh: 1, ttyrol: 0 });
    expect([...bytes.subarray(12, 18)]).toEqual([0o77, 0o77, 0o77, 0o77, 0o77, 0o77]);
  });

  it('sizes are clamped to what SUPDUP can address', () => {
    const client = createSupdupClient({ cols: 1, rows: 0 }, () => {});
    expect([client.cols, client.rows]).toEqual([2, 1]);
    expect(client.parameters.tcmxh).toBe(1);
    const big = createSupdupClient({ cols: 500, rows: 500 }, () => {});
    expect([big.parameters.tcmxv, big.parameters.tcmxh]).toEqual([128, 127]);
  });
});
