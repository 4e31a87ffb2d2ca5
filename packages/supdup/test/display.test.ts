import { describe, expect, it } from 'vitest';
import { createSupdupClient, Td, tdCodeName } from '../src/index.js';
import { bytes, run } from './harness.js';

const CSI = '\x1b[';

describe('%TD codes → ANSI for xterm.js (RFC 734 "OUTPUT -- DISPLAY PROTOCOL")', () => {
  const cases: Array<[string, Uint8Array, string, { row: number; col: number }]> = [
    ['%TDMOV ignores the old position', bytes(Td.MOV, 1, 2, 5, 7), `${CSI}6;8H`, { row: 5, col: 7 }],
    ['%TDMV0', bytes(Td.MV0, 3, 4), `${CSI}4;5H`, { row: 3, col: 4 }],
    ['%TDMV1 is treated as %TDMV0', bytes(Td.MV1, 3, 4), `${CSI}4;5H`, { row: 3, col: 4 }],
    ['%TDMV0 off the screen is clamped', bytes(Td.MV0, 200, 100), `${CSI}24;80H`, { row: 23, col: 79 }],
    ['%TDEOF', bytes(Td.MV0, 2, 2, Td.EOF), `${CSI}3;3H${CSI}J`, { row: 2, col: 2 }],
    ['%TDEOL', bytes(Td.MV0, 2, 2, Td.EOL), `${CSI}3;3H${CSI}K`, { row: 2, col: 2 }],
    ['%TDDLF erases one position, cursor unmoved', bytes(Td.DLF), `${CSI}X`, { row: 0, col: 0 }],
    ['%TDCRL clears the next line', bytes('ab', Td.CRL), `ab${CSI}2;1H${CSI}K`, { row: 1, col: 0 }],
    [
      '%TDCRL on the bottom line scrolls',
      bytes(Td.MV0, 23, 5, Td.CRL),
      `${CSI}24;6H\r\n${CSI}K`,
      { row: 23, col: 0 },
    ],
    ['%TDNOP', bytes(Td.NOP), '', { row: 0, col: 0 }],
    ['%TDBS', bytes(Td.MV0, 1, 5, Td.BS), `${CSI}2;6H${CSI}2;5H`, { row: 1, col: 4 }],
    ['%TDBS at the left margin stays', bytes(Td.BS), `${CSI}1;1H`, { row: 0, col: 0 }],
    ['%TDLF', bytes(Td.MV0, 1, 5, Td.LF), `${CSI}2;6H${CSI}3;6H`, { row: 2, col: 5 }],
    ['%TDRCR', bytes(Td.MV0, 1, 5, Td.RCR), `${CSI}2;6H${CSI}2;1H`, { row: 1, col: 0 }],
    ['%TDQOT prints a printing character', bytes(Td.QOT, 0o101), 'A', { row: 0, col: 1 }],
    ['%TDQOT of 031 shows the SAIL right arrow', bytes(Td.QOT, 0o31), '→', { row: 0, col: 1 }],
    ['%TDFS', bytes(Td.FS), `${CSI}1;2H`, { row: 0, col: 1 }],
    ['%TDCLR homes and clears', bytes(Td.MV0, 3, 3, Td.CLR), `${CSI}4;4H${CSI}H${CSI}2J`, { row: 0, col: 0 }],
    ['%TDBEL', bytes(Td.BEL), '\x07', { row: 0, col: 0 }],
    ['%TDINI resets attributes', bytes(Td.INI), `${CSI}m`, { row: 0, col: 0 }],
    [
      '%TDILP keeps the column',
      bytes(Td.MV0, 2, 3, Td.ILP, 2),
      `${CSI}3;4H${CSI}2L${CSI}3;4H`,
      { row: 2, col: 3 },
    ],
    [
      '%TDDLP keeps the column',
      bytes(Td.MV0, 2, 3, Td.DLP, 3),
      `${CSI}3;4H${CSI}3M${CSI}3;4H`,
      { row: 2, col: 3 },
    ],
    ['%TDILP 0 does nothing', bytes(Td.ILP, 0), '', { row: 0, col: 0 }],
    ['%TDICP', bytes(Td.ICP, 4), `${CSI}4@`, { row: 0, col: 0 }],
    ['%TDDCP', bytes(Td.DCP, 4), `${CSI}4P`, { row: 0, col: 0 }],
    [
      '%TDDCP is capped at the line end',
      bytes(Td.MV0, 0, 78, Td.DCP, 200),
      `${CSI}1;79H${CSI}2P`,
      { row: 0, col: 78 },
    ],
    ['%TDBOW', bytes(Td.BOW), `${CSI}7m`, { row: 0, col: 0 }],
    ['%TDRST', bytes(Td.RST), `${CSI}m`, { row: 0, col: 0 }],
    [
      '%TDRSU scrolls a region up',
      bytes(Td.MV0, 4, 2, Td.RSU, 5, 2),
      `${CSI}5;3H${CSI}5;9r${CSI}2S${CSI}r${CSI}5;3H`,
      { row: 4, col: 2 },
    ],
    [
      '%TDRSD scrolls a region down',
      bytes(Td.MV0, 4, 2, Td.RSD, 5, 1),
      `${CSI}5;3H${CSI}5;9r${CSI}1T${CSI}r${CSI}5;3H`,
      { row: 4, col: 2 },
    ],
    [
      '%TDGRF skips 7-bit graphics up to the next %TD code',
      bytes(Td.GRF, 'xyz', 1, Td.BEL, 'A'),
      '\x07A',
      { row: 0, col: 1 },
    ],
    ['%TDMTF and %TDMTN are no-ops', bytes(Td.MTF, Td.MTN), '', { row: 0, col: 0 }],
    ['an unknown code is ignored and takes no argument', bytes(0o277, 'A', 0o377), 'A', { row: 0, col: 1 }],
  ];
  it.each(cases)('%s', (_name, input, ansi, cursor) => {
    const result = run([input]);
    expect(Buffer.from(result.output, 'latin1').toString('utf8')).toBe(ansi);
    expect(result.cursor).toEqual(cursor);
  });
});

describe('printing characters', () => {
  it('a run of text is handed on as one view of the input chunk', () => {
    const input = bytes(Td.NOP, 'hello world', Td.EOL);
    const views: Uint8Array[] = [];
    createSupdupClient({ cols: 80, rows: 24 }, (event) => {
      if (event.type === 'output') views.push(event.data);
    }).receive(input);
    expect(views[0]!.buffer).toBe(input.buffer);
    expect(Buffer.from(views[0]!).toString('latin1')).toBe('hello world');
  });

  it('never auto-wraps: characters past the last column are dropped and the cursor sticks', () => {
    const result = run([bytes(Td.MV0, 0, 8, 'abcdef', Td.EOL, Td.ICP, 1, Td.DLF)], { cols: 10, rows: 3 });
    expect(result.output).toBe(`${CSI}1;9Hab`);
    expect(result.cursor).toEqual({ row: 0, col: 10 });
  });

  it('%TDEOF stuck past the last column erases only the lines below', () => {
    const result = run([bytes(Td.MV0, 0, 9, 'xy', Td.EOF)], { cols: 10, rows: 3 });
    expect(result.output).toBe(`${CSI}1;10Hx${CSI}2;1H${CSI}J${CSI}1;10H`);
  });

  it('000–037 and 177 show as the Stanford/ITS graphics after the greeting (RFC 734 p. 12)', () => {
    const result = run([bytes(0, 1, 0o15, 0o12, 0o33, 0o37, 0o177)]);
    expect(Buffer.from(result.output, 'latin1').toString('utf8')).toBe('·↓⊕δ◊∨∫');
    expect(result.cursor).toEqual({ row: 0, col: 7 });
  });

  it('the greeting is plain ASCII with CR and LF as formatting, up to the first %TDNOP (RFC 734 p. 3)', () => {
    const result = run([bytes('Hi\r\nthere', 0o7, 1, Td.NOP, 0o15)], { afterGreeting: false });
    expect(Buffer.from(result.output, 'latin1').toString('utf8')).toBe('Hi\r\nthere\x07⊕');
    expect(result.events.filter((event) => event.type !== 'output')).toEqual([
      { type: 'bell' },
      { type: 'greeting-done' },
    ]);
    expect(result.cursor).toEqual({ row: 1, col: 6 });
  });
});

describe('%TDORS (RFC 734 "OUTPUT RESETS")', () => {
  it('answers 034 020 vpos hpos from the tracked cursor', () => {
    const result = run([bytes(Td.MV0, 5, 10, 'abc', Td.ORS)]);
    expect(result.events.slice(-2)).toEqual([
      { type: 'output-reset', row: 5, col: 13 },
      { type: 'send', bytes: [0o34, 0o20, 5, 13] },
    ]);
  });

  it('reports the last column when the cursor is stuck past it', () => {
    const result = run([bytes(Td.MV0, 1, 8, 'abcd', Td.ORS)], { cols: 10, rows: 3 });
    expect(result.events.at(-1)).toEqual({ type: 'send', bytes: [0o34, 0o20, 1, 9] });
  });
});

describe('events', () => {
  it('%TDQOT of a byte ≥ 200 is reported, not drawn', () => {
    const result = run([bytes(Td.QOT, 0o250, 'A')]);
    expect(result.events).toEqual([
      { type: 'quoted', byte: 0o250 },
      { type: 'output', text: 'A' },
    ]);
  });

  it('unknown codes and graphics are reported', () => {
    const result = run([bytes(0o234, Td.GRF, 'zz', 0o377)]);
    expect(result.events).toEqual([
      { type: 'unknown-code', code: 0o234 },
      { type: 'graphics-skipped' },
      { type: 'unknown-code', code: 0o377 },
    ]);
  });
});

describe('starting mid-screen', () => {
  it('initialCursor places the tracked cursor where the terminal has it (after a Telnet switch)', () => {
    const result = run([bytes('Hi', Td.NOP, Td.ORS)], {
      afterGreeting: false,
      initialCursor: { row: 5, col: 3 },
    });
    expect(result.events.at(-1)).toEqual({ type: 'send', bytes: [0o34, 0o20, 5, 5] });
  });

  it('out-of-screen initial positions are clamped', () => {
    const result = run([bytes(Td.ORS)], { initialCursor: { row: 99, col: -4 }, rows: 10 });
    expect(result.events.at(-1)).toEqual({ type: 'send', bytes: [0o34, 0o20, 9, 0] });
  });
});

describe('code names', () => {
  it('every %TD code has its RFC name; other bytes have none', () => {
    expect(tdCodeName(0o200)).toBe('%TDMOV');
    expect(tdCodeName(0o214)).toBe('%TDORS');
    expect(tdCodeName(0o233)).toBe('%TDRSD');
    expect(tdCodeName(0o234)).toBeUndefined();
  });
});
