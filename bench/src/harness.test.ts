/** The pieces the benchmarks' figures and checks rest on, without starting any process. */
import { TelnetEngine } from '@telgate/telnet-core';
import xtermHeadless from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { formatTable } from './report.js';
import { medianRows, parseBenchTable } from './scenarios/telnet-core.js';
import { maximum, median, percentile, summarizeLatency } from './stats.js';
import { expectRaw, expectTerminal, StreamChecksum, syntheticStream, wireBytes } from './stream.js';
import { floodSlices, STATUS_LINE_SETUP, statusEcho } from './workers/status-line-flood.js';

describe('the synthetic host stream', () => {
  const stream = syntheticStream(3 * 64 * 1024, 64 * 1024, 3);
  const wire = Buffer.concat([stream.opening, ...Array.from({ length: stream.repeat }, () => stream.unit)]);

  it('has doubled IACs and negotiation, and no byte a Telnet client would drop', () => {
    expect(stream.repeat).toBe(3);
    expect(wireBytes(stream)).toBe(wire.length);
    let doubled = 0;
    for (let k = 0; k + 1 < stream.unit.length; k++) {
      if (stream.unit[k] === 0xff && stream.unit[k + 1] === 0xff) doubled++;
    }
    expect(doubled).toBeGreaterThanOrEqual(10);
    expect(stream.unitData.includes(0)).toBe(false);
    expect(stream.unitData.includes(0xf2)).toBe(false);
  });

  it('is what a Telnet client delivers, as the expectation says', () => {
    const sum = new StreamChecksum();
    const engine = new TelnetEngine({ role: 'client', start: 'passive', lostDm: 'utf8' }, (event) => {
      if (event.type === 'data') sum.update(event.data);
    });
    for (let o = 0; o < wire.length; o += 65_536) engine.receive(wire.subarray(o, o + 65_536));
    expect(sum.matches(expectTerminal(stream))).toBe(true);
    expect(expectRaw(stream).bytes).toBe(wire.length);
  });

  it('expects CP437 hosts to reach the terminal as UTF-8 of every byte', () => {
    const cp437 = expectTerminal(stream, 'CP437');
    // Each byte ≥ 0x80 becomes a two- or three-byte UTF-8 character.
    expect(cp437.bytes).toBeGreaterThan(expectTerminal(stream).bytes);
  });
});

describe('statistics', () => {
  it('takes nearest-rank percentiles, so every figure is a measured sample', () => {
    const samples = Array.from({ length: 100 }, (_, k) => k + 1);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(median([3, 1, 2])).toBe(2);
    expect(maximum([1, 7, 3])).toBe(7);
    expect(Number.isNaN(median([]))).toBe(true);
    expect(summarizeLatency([5, 1, 9])).toEqual({ p50: 5, p99: 9, max: 9, count: 3 });
  });
});

describe('reporting', () => {
  it('reads the table telnet-core’s own benchmark prints', () => {
    const output = [
      'telnet-core parse benchmark (node v20, 5 runs, median, 64 KiB chunks)',
      '| stream | size | telnet-core MiB/s | indexOf(0xFF) MiB/s | ratio | JS byte loop MiB/s | ratio | GCs/run |',
      '|---|---|---|---|---|---|---|---|',
      '| plain text (no IAC) | 64 MiB | 1124 | 1357 | 0.83 | 159 | 7.06 | 0 |',
      '| IAC-dense (every 8th byte 0xFF) | 64 MiB | 97 | 86 | 1.12 | 247 | 0.39 | 1 |',
    ].join('\n');
    expect(parseBenchTable(output)).toEqual([
      { stream: 'plain text (no IAC)', size: '64 MiB', engine: 1124, indexOf: 1357, loop: 159, gcs: 0 },
      {
        stream: 'IAC-dense (every 8th byte 0xFF)',
        size: '64 MiB',
        engine: 97,
        indexOf: 86,
        loop: 247,
        gcs: 1,
      },
    ]);
  });

  it('takes, stream by stream, the median of the turns two builds took', () => {
    const row = (stream: string, engine: number) => ({
      stream,
      size: '1 MiB',
      engine,
      indexOf: 1,
      loop: 1,
      gcs: 0,
    });
    const turns = [
      [row('plain', 900), row('dense', 200)],
      [row('plain', 1200), row('dense', 150)],
      [row('plain', 1000), row('dense', 400)],
    ];
    expect(medianRows(turns).map((r) => [r.stream, r.engine])).toEqual([
      ['plain', 1000],
      ['dense', 200],
    ]);
  });

  it('prints one Markdown table, each benchmark named once', () => {
    const row = { benchmark: 'b', measured: 'm', value: '1', baseline: 'x 2', ratio: '0.50×' };
    const table = formatTable([row, { ...row, measured: 'n', target: '≥ 1×', met: false }]).split('\n');
    expect(table).toHaveLength(4);
    expect(table[2]).toMatch(/^\| b +\| m +\| 1 +\| x 2 +\| 0\.50× +\| +\| +\|$/);
    expect(table[3]).toMatch(/^\| +\| n +\| 1 +\| x 2 +\| 0\.50× +\| ≥ 1× +\| NO +\|$/);
    for (const line of table) expect(line.length).toBe(table[0]!.length);
  });
});

describe('the echo-flood host', () => {
  const stream = syntheticStream(4 * 64 * 1024, 64 * 1024, 5);
  const slices = floodSlices(stream.unitData, 4096);

  it('floods whole lines that never move the cursor to the status line', () => {
    expect(slices.length).toBeGreaterThan(10);
    for (const slice of slices) {
      const text = slice.toString('latin1');
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text).not.toMatch(/\x1b\[\d+;\d+H/);
      expect(slice.includes(0xff)).toBe(false);
    }
  });

  it('keeps the last echo in the status line while the flood scrolls below it', async () => {
    const term = new xtermHeadless.Terminal({ cols: 80, rows: 24, allowProposedApi: true });
    const write = (data: string | Uint8Array) => new Promise<void>((resolve) => term.write(data, resolve));
    await write(STATUS_LINE_SETUP);
    for (let k = 0; k < slices.length; k++) {
      await write(slices[k]!);
      if (k % 7 === 3) await write(statusEcho(k));
    }
    const last = slices.length - 1 - ((slices.length - 1 - 3) % 7);
    const buffer = term.buffer.active;
    expect(buffer.getLine(buffer.baseY)!.translateToString(true)).toBe(`~${last}~`);
    // The flood went on below it: the row above the cursor's holds a flood line.
    expect(buffer.getLine(buffer.baseY + 22)!.translateToString(true).length).toBeGreaterThan(0);
    term.dispose();
  });
});
