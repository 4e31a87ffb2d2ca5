import { describe, expect, it } from 'vitest';
import { bufferText, sessionFileName, type TextBuffer } from './session-text';

/**
 * A buffer of `cols`-wide rows as xterm.js keeps them: what was written (spaces too), then cells nothing
 * was written to, which only trimRight leaves out; `wrapped` rows continue the row above.
 */
function buffer(rows: readonly (string | { wrapped: string })[], cols = 10): TextBuffer {
  const lines = rows.map((row) => {
    const text = typeof row === 'string' ? row : row.wrapped;
    return {
      isWrapped: typeof row !== 'string',
      translateToString: (trimRight?: boolean) => (trimRight ? text : text.padEnd(cols, ' ')),
    };
  });
  return { length: lines.length, getLine: (y) => lines[y] };
}

describe('bufferText', () => {
  it('is every line, trailing blanks trimmed, without the empty rows below the last text', () => {
    expect(bufferText(buffer(['login: me', '', 'demo$ ls  ', 'a  b', 'demo$ ', '', '']))).toBe(
      'login: me\n\ndemo$ ls\na  b\ndemo$\n',
    );
  });

  it('joins the rows of a line the terminal wrapped, keeping the blanks at the wrap', () => {
    expect(bufferText(buffer(['echo one t', { wrapped: 'wo three' }, 'demo$'], 10))).toBe(
      'echo one two three\ndemo$\n',
    );
    expect(bufferText(buffer(['abc       ', { wrapped: 'def' }], 10))).toBe('abc       def\n');
  });

  it('is empty for an empty terminal, and skips rows the buffer cannot give', () => {
    expect(bufferText(buffer(['', '  ', '']))).toBe('');
    expect(bufferText({ length: 0, getLine: () => undefined })).toBe('');
    const gappy: TextBuffer = {
      length: 3,
      getLine: (y) => (y === 1 ? undefined : { isWrapped: false, translateToString: () => `row ${y}` }),
    };
    expect(bufferText(gappy)).toBe('row 0\nrow 2\n');
  });
});

describe('sessionFileName', () => {
  const at = new Date(2026, 11, 4, 9, 5, 7);

  it('is the target and the local date and time', () => {
    expect(sessionFileName('demo', at, 'txt')).toBe('demo-20261204-090507.txt');
    expect(sessionFileName('router.example:2323', at, 'html')).toBe(
      'router.example-2323-20261204-090507.html',
    );
  });

  it('never has a path or a character a file system refuses', () => {
    expect(sessionFileName('../../etc/passwd', at, 'txt')).toBe('etc-passwd-20261204-090507.txt');
    expect(sessionFileName('a<b>c:"d"|e?*', at, 'txt')).toBe('a-b-c-d-e-20261204-090507.txt');
    expect(sessionFileName('[::1]:23', at, 'txt')).toBe('1-23-20261204-090507.txt');
    expect(sessionFileName('', at, 'txt')).toBe('telgate-20261204-090507.txt');
    expect(sessionFileName('ünïcode', at, 'txt')).toBe('n-code-20261204-090507.txt');
    expect(sessionFileName('x'.repeat(500), at, 'txt')).toBe(`${'x'.repeat(64)}-20261204-090507.txt`);
  });
});
