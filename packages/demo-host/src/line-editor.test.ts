import { describe, expect, it } from 'vitest';
import { LineEditor } from './line-editor.js';

function editor(maxLength = 64): LineEditor {
  const e = new LineEditor({ prompt: '$ ', maxLength, completions: ['count', 'colors', 'status'] });
  e.startLine();
  return e;
}

/** Feeds everything, collecting output and submissions, as the session does. */
function type(e: LineEditor, input: string): { output: string; submitted: string[] } {
  let output = '';
  const submitted: string[] = [];
  let rest = input;
  while (rest.length > 0) {
    const result = e.feed(rest);
    output += result.output;
    rest = rest.slice(result.consumed);
    if (result.submitted) submitted.push(result.submitted.kind === 'line' ? result.submitted.line : '<eof>');
  }
  return { output, submitted };
}

describe('LineEditor', () => {
  it('echoes typed text and submits on CR LF, CR NUL, bare CR and bare LF alike', () => {
    const e = editor();
    expect(type(e, 'ab\r\ncd\r\0ef\rgh\n')).toEqual({
      output: 'ab\r\ncd\r\nef\r\ngh\r\n',
      submitted: ['ab', 'cd', 'ef', 'gh'],
    });
  });

  it('treats an LF right after a CR as part of the same line end, even in the next chunk', () => {
    const e = editor();
    expect(type(e, 'a\r').submitted).toEqual(['a']);
    expect(type(e, '\nb\n').submitted).toEqual(['b']);
    expect(type(e, '\n').submitted).toEqual(['']);
  });

  it('stops after a submitted line so the caller can run it before the rest', () => {
    const e = editor();
    const result = e.feed('one\rtwo\r');
    expect(result.submitted).toEqual({ kind: 'line', line: 'one' });
    expect(result.consumed).toBe(4);
  });

  it('erases with BS and DEL over the columns of the character, wide ones included', () => {
    const e = editor();
    const { output } = type(e, 'ab\x7f日\x08\x08x');
    expect(output).toBe('ab\b \b日\b\b  \b\b\b \bx');
    expect(e.line).toBe('x');
  });

  it('erases a character with its combining marks as one', () => {
    const e = editor();
    type(e, 'ae\u0301');
    expect(e.line).toBe('ae\u0301');
    expect(type(e, '\x7f').output).toBe('\b \b');
    expect(e.line).toBe('a');
  });

  it('erases the line with Ctrl-U and a word with Ctrl-W', () => {
    const e = editor();
    type(e, 'echo hello  ');
    expect(type(e, '\x17').output).toBe(`${'\b'.repeat(7)}${' '.repeat(7)}${'\b'.repeat(7)}`);
    expect(e.line).toBe('echo ');
    type(e, '\x15');
    expect(e.line).toBe('');
    expect(type(e, '\x15').output).toBe('');
  });

  it('abandons the line on Ctrl-C with ^C and a new prompt', () => {
    const e = editor();
    expect(type(e, 'abc\x03d\r')).toEqual({ output: 'abc^C\r\n$ d\r\n', submitted: ['d'] });
  });

  it('reports end of input for Ctrl-D on an empty line only', () => {
    const e = editor();
    expect(type(e, 'a\x04').output).toBe('a\x07');
    expect(type(e, '\x15\x04').submitted).toEqual(['<eof>']);
  });

  it('rings the bell past the longest line and keeps what fits', () => {
    const e = editor(16);
    const { output } = type(e, 'x'.repeat(20));
    expect(e.line).toBe('x'.repeat(16));
    expect(output).toBe(`${'x'.repeat(16)}${'\x07'.repeat(4)}`);
  });

  it('ignores escape sequences and other control characters, and recalls history with Up and Down', () => {
    const e = editor();
    type(e, 'first\rsecond\r');
    expect(type(e, '\x1b[D\x1b[1;5C\x01\x1bOA').output).toBe('second');
    expect(type(e, '\x1b[A').output).toBe(`${'\b'.repeat(6)}${' '.repeat(6)}${'\b'.repeat(6)}first`);
    type(e, '\x1b[B\x1b[B');
    expect(e.line).toBe('');
    expect(type(e, '\x1b[Bx').output).toBe('x');
  });

  it('completes a unique command with Tab and a shared prefix as far as it goes', () => {
    const e = editor();
    expect(type(e, 'st\t').output).toBe('status ');
    type(e, '\x15');
    expect(type(e, 'c\t').output).toBe('co');
    expect(type(e, '\t').output).toBe('\x07');
    expect(type(e, 'u\t').output).toBe('unt ');
    type(e, '\x15');
    expect(type(e, 'zz\t').output).toBe('zz\x07');
  });

  it('keeps editing but echoes nothing when the client echoes for itself', () => {
    const e = editor();
    e.echo = false;
    expect(type(e, 'ab\x7fc\r')).toEqual({ output: '', submitted: ['ac'] });
    expect(e.redraw()).toBe('$ ');
  });
});
