import { describe, expect, it } from 'vitest';
import { createTerminal } from './create-terminal';

type Lines = { get(index: number): object | undefined };
const linesOf = (term: object) =>
  (term as { _core: { _bufferService: { buffer: { lines: Lines } } } })._core._bufferService.buffer.lines;

describe('createTerminal', () => {
  it('gives a terminal that scrolls a region with the rows it already had', async () => {
    const term = createTerminal({ cols: 40, rows: 10, scrollback: 100, allowProposedApi: true });
    await new Promise<void>((resolve) => term.write('status\x1b[2;10r\x1b[10;1H', resolve));
    const lines = linesOf(term);
    const before = new Set(Array.from({ length: 10 }, (_, y) => lines.get(y)));
    const log = Array.from({ length: 200 }, (_, k) => `line ${k}\r\n`).join('');
    await new Promise<void>((resolve) => term.write(log, resolve));
    expect(new Set(Array.from({ length: 10 }, (_, y) => lines.get(y)))).toEqual(before);
    expect(term.buffer.active.getLine(8)?.translateToString(true)).toBe('line 199');
    expect(term.buffer.active.getLine(0)?.translateToString(true)).toBe('status');
    term.dispose();
  });
});
