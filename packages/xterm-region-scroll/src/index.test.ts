import serializeAddon from '@xterm/addon-serialize';
import xtermHeadless from '@xterm/headless';
import xterm from '@xterm/xterm';
import { describe, expect, it } from 'vitest';
import { reuseLinesInRegionScroll } from './index.js';

const { SerializeAddon } = serializeAddon;
type HeadlessTerminal = InstanceType<typeof xtermHeadless.Terminal>;
type TerminalClass = new (options: object) => HeadlessTerminal;

/** The gateway's screen state runs the headless build, the page the full one (not opened here: no DOM). */
const BUILDS: Array<[string, TerminalClass]> = [
  ['@xterm/headless', xtermHeadless.Terminal],
  ['@xterm/xterm', xterm.Terminal as unknown as TerminalClass],
];

const ESC = '\x1b';

function terminal(build: TerminalClass, reuse: boolean, cols = 60, rows = 12): HeadlessTerminal {
  const t = new build({ cols, rows, scrollback: 50, allowProposedApi: true });
  if (reuse) expect(reuseLinesInRegionScroll(t)).toBe(true);
  return t;
}

const write = (t: HeadlessTerminal, data: string) => new Promise<void>((resolve) => t.write(data, resolve));

/** Everything a snapshot would carry, and what it might miss: each row's text, wrap flag, the cursor. */
function look(t: HeadlessTerminal) {
  const serializer = new SerializeAddon();
  t.loadAddon(serializer);
  const buffer = t.buffer.active;
  const rows: Array<[string, boolean]> = [];
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y)!;
    rows.push([line.translateToString(), line.isWrapped]);
  }
  return {
    serialized: serializer.serialize({ scrollback: 50 }),
    rows,
    cursor: [buffer.cursorX, buffer.cursorY, buffer.baseY, buffer.viewportY],
    type: buffer.type,
  };
}

/** A deterministic pseudo-random source, so a failing stream can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

/** Log lines: some coloured, some with a background set as they end (new rows take it), some wrapping. */
function logLines(count: number, seed: number, cols: number): string {
  const next = random(seed);
  let out = '';
  for (let k = 0; k < count; k++) {
    const colour = next() < 0.5 ? `${ESC}[3${Math.floor(next() * 8)}m` : '';
    const background = next() < 0.2 ? `${ESC}[4${Math.floor(next() * 8)}m` : '';
    const length = next() < 0.15 ? cols + Math.floor(next() * cols) : Math.floor(next() * cols);
    const text = Array.from({ length }, (_, i) => String.fromCharCode(0x21 + ((k + i) % 90))).join('');
    out += `${colour}line ${k} ${text}${background}\r\n${ESC}[0m`;
  }
  return out;
}

const scenarios: Array<[string, (t: HeadlessTerminal) => Promise<void>]> = [
  [
    'a log scrolling below a status line, written into the status line meanwhile',
    async (t) => {
      await write(t, `${ESC}[2r${ESC}[2;1H`);
      for (let k = 0; k < 8; k++) {
        await write(t, logLines(40, k, 60));
        await write(t, `${ESC}7${ESC}[1;1H~${k}~${ESC}[K${ESC}8`);
      }
    },
  ],
  [
    'a region in the middle of the screen, then the whole screen scrolling into the scrollback',
    async (t) => {
      await write(t, `top${ESC}[12;1Hbottom${ESC}[4;9r${ESC}[9;1H`);
      await write(t, logLines(120, 3, 60));
      await write(t, `${ESC}[r${ESC}[12;1H`);
      await write(t, logLines(80, 4, 60));
    },
  ],
  [
    'a region on the alternate screen, then back to the normal one',
    async (t) => {
      await write(t, logLines(30, 5, 60));
      await write(t, `${ESC}[?1049h${ESC}[1;10r${ESC}[10;1H`);
      await write(t, logLines(100, 6, 60));
      await write(t, `${ESC}[?1049l`);
      await write(t, logLines(5, 7, 60));
    },
  ],
  [
    'a region while the terminal is resized',
    async (t) => {
      await write(t, `${ESC}[3;10r${ESC}[10;1H`);
      await write(t, logLines(50, 8, 60));
      t.resize(80, 14);
      await write(t, `${ESC}[3;12r${ESC}[12;1H`);
      await write(t, logLines(50, 9, 80));
      t.resize(40, 8);
      await write(t, `${ESC}[2;7r${ESC}[7;1H`);
      await write(t, logLines(50, 10, 40));
    },
  ],
  [
    'index, reverse index, inserted and deleted lines inside a region',
    async (t) => {
      await write(t, logLines(12, 11, 60));
      await write(t, `${ESC}[3;9r${ESC}[9;1H`);
      for (let k = 0; k < 20; k++) {
        await write(t, `${ESC}D${ESC}[41mx${k}${ESC}[0m${ESC}M${ESC}[2L${ESC}[1M\n\n\n`);
      }
    },
  ],
];

describe.each(BUILDS)('reuseLinesInRegionScroll on %s', (_name, build) => {
  it('fits the xterm.js in use (its internals are where it expects them)', () => {
    expect(reuseLinesInRegionScroll(new build({ cols: 20, rows: 5, allowProposedApi: true }))).toBe(true);
  });

  it('leaves a terminal without those internals as it is', () => {
    expect(reuseLinesInRegionScroll({})).toBe(false);
    expect(reuseLinesInRegionScroll({ _core: { _bufferService: { scroll: () => {} } } })).toBe(false);
  });

  it('scrolls a region with the rows it already had: no new line per scrolled row', async () => {
    const t = terminal(build, true, 40, 10);
    await write(t, `${ESC}[2;10r${ESC}[10;1H`);
    const lines = (
      t as unknown as { _core: { _bufferService: { buffer: { lines: { get(i: number): object } } } } }
    )._core._bufferService.buffer.lines;
    const before = new Set(Array.from({ length: 10 }, (_, y) => lines.get(y)));
    await write(t, logLines(500, 1, 40));
    const after = new Set(Array.from({ length: 10 }, (_, y) => lines.get(y)));
    expect(after).toEqual(before);
  });

  for (const [name, play] of scenarios) {
    it(`draws exactly what xterm.js draws: ${name}`, async () => {
      const reference = terminal(build, false);
      const reusing = terminal(build, true);
      await play(reference);
      await play(reusing);
      const expected = look(reference);
      expect(expected.rows.some(([text]) => text.includes('line'))).toBe(true);
      expect(look(reusing)).toEqual(expected);
    });
  }
});
