import xtermHeadless from '@xterm/headless';
import { afterEach, describe, expect, it } from 'vitest';
import { drawPicture } from './screen-picture';

const { Terminal } = xtermHeadless;
type HeadlessTerminal = InstanceType<typeof Terminal>;

const terminals: HeadlessTerminal[] = [];
afterEach(() => {
  for (const term of terminals.splice(0)) term.dispose();
});

function terminal(cols = 80, rows = 24): HeadlessTerminal {
  const term = new Terminal({ cols, rows, scrollback: 100, allowProposedApi: true });
  terminals.push(term);
  return term;
}

function rows(term: HeadlessTerminal): string[] {
  const buffer = term.buffer.active;
  const out: string[] = [];
  for (let y = 0; y < buffer.length; y++) out.push(buffer.getLine(y)!.translateToString(true));
  while (out.length > 0 && out.at(-1) === '') out.pop();
  return out;
}

/** Draws a picture the way the page does, resolving once it is drawn; `resizes` records the sizes given. */
function draw(term: HeadlessTerminal, cols: number, rows_: number, data: string, resizes: string[] = []) {
  return new Promise<void>((resolve) =>
    drawPicture(term, cols, rows_, new TextEncoder().encode(data), {
      alive: () => true,
      resize: (c, r) => {
        resizes.push(`${c}x${r}`);
        term.resize(c, r);
      },
      drawn: resolve,
    }),
  );
}

const written = (term: HeadlessTerminal, data: string) =>
  new Promise<void>((resolve) => term.write(data, resolve));

describe('drawPicture', () => {
  it('output still queued in the terminal is drawn before the picture, never onto it', async () => {
    const term = terminal();
    // Live output the terminal has not parsed yet (xterm.js parses on a later tick), the last line
    // unfinished and in red.
    term.write('old line 1\r\nold line 2\r\n\x1b[31mhalf a li');
    await draw(term, 80, 24, 'picture row 1\r\npicture row 2');
    expect(rows(term)).toEqual(['picture row 1', 'picture row 2']);
    // Nothing of the old output's attributes or cursor survives.
    expect(term.buffer.active.getLine(1)!.getCell(0)!.getFgColorMode()).toBe(0);
    expect(term.buffer.active.cursorX).toBe('picture row 2'.length);
  });

  it('output written after the picture lands on it', async () => {
    const term = terminal();
    term.write('before\r\n');
    const drawn = draw(term, 80, 24, 'prompt$ ');
    term.write('typed');
    await drawn;
    await written(term, '');
    expect(rows(term)).toEqual(['prompt$ typed']);
  });

  it("takes the picture's size, after the queued output, and only when it differs", async () => {
    const term = terminal(80, 24);
    const resizes: string[] = [];
    term.write('x'.repeat(100));
    await draw(term, 100, 30, 'wide', resizes);
    expect(resizes).toEqual(['100x30']);
    expect({ cols: term.cols, rows: term.rows }).toEqual({ cols: 100, rows: 30 });
    expect(rows(term)).toEqual(['wide']);
    await draw(term, 100, 30, 'same size', resizes);
    expect(resizes).toEqual(['100x30']);
  });

  it('does nothing more once the terminal is gone', async () => {
    const term = terminal();
    let alive = true;
    const calls: string[] = [];
    term.write('queued');
    drawPicture(term, 90, 20, 'picture', {
      alive: () => alive,
      resize: () => calls.push('resize'),
      drawn: () => calls.push('drawn'),
    });
    alive = false;
    await written(term, '');
    expect(calls).toEqual([]);
  });
});
