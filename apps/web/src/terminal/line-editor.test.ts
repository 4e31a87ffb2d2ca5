import { describe, expect, it } from 'vitest';
import { escapeSequenceEnd, LineEditor } from './line-editor';

describe('LineEditor', () => {
  it('echoes printable characters and sends the line on Enter', () => {
    const editor = new LineEditor();
    expect(editor.feed('ls -l')).toEqual({ echo: 'ls -l', send: '' });
    expect(editor.pending).toBe('ls -l');
    expect(editor.feed('\r')).toEqual({ echo: '\r\n', send: 'ls -l\r' });
    expect(editor.pending).toBe('');
  });

  it('handles a pasted block of several lines', () => {
    const editor = new LineEditor();
    expect(editor.feed('one\rtwo\rthr')).toEqual({ echo: 'one\r\ntwo\r\nthr', send: 'one\rtwo\r' });
    expect(editor.pending).toBe('thr');
  });

  it('erases with Backspace (DEL or BS) locally, wide characters over two cells', () => {
    const editor = new LineEditor();
    editor.feed('ab漢');
    expect(editor.feed('\x7f')).toEqual({ echo: '\b\b  \b\b', send: '' });
    expect(editor.feed('\b')).toEqual({ echo: '\b \b', send: '' });
    expect(editor.pending).toBe('a');
    editor.feed('\x7f');
    expect(editor.feed('\x7f')).toEqual({ echo: '', send: '' }); // nothing left to erase
  });

  it('erases a whole grapheme: a letter with a combining accent, an emoji sequence', () => {
    const editor = new LineEditor();
    editor.feed('xe\u0301');
    expect(editor.feed('\x7f')).toEqual({ echo: '\b \b', send: '' });
    expect(editor.pending).toBe('x');
    editor.feed('👍🏽');
    expect(editor.feed('\x7f')).toEqual({ echo: '\b\b  \b\b', send: '' });
    expect(editor.pending).toBe('x');
  });

  it('erases the line with Ctrl-U and the last word with Ctrl-W', () => {
    const editor = new LineEditor();
    editor.feed('cat  file  ');
    expect(editor.feed('\x17').echo).toBe('\b \b'.repeat(6));
    expect(editor.pending).toBe('cat  ');
    expect(editor.feed('\x15').echo).toBe('\b \b'.repeat(5));
    expect(editor.pending).toBe('');
  });

  it('sends the pending text, then control keys and escape sequences, unechoed and in order', () => {
    const editor = new LineEditor();
    expect(editor.feed('ab\x03')).toEqual({ echo: 'ab', send: 'ab\x03' });
    expect(editor.feed('x\x1b[Ay')).toEqual({ echo: 'xy', send: 'x\x1b[A' });
    expect(editor.pending).toBe('y');
    expect(editor.feed('\t')).toEqual({ echo: '', send: 'y\t' });
    expect(editor.feed('\x1bOB')).toEqual({ echo: '', send: '\x1bOB' });
  });

  it('hands over the pending line when editing ends: erased locally, sent to the host', () => {
    const editor = new LineEditor();
    editor.feed('pass');
    expect(editor.release()).toEqual({ echo: '\b \b'.repeat(4), send: 'pass' });
    expect(editor.pending).toBe('');
  });
});

describe('escapeSequenceEnd', () => {
  it('finds the end of CSI, SS3 and Alt+key sequences', () => {
    expect(escapeSequenceEnd('\x1b[1;5Cz', 0)).toBe(6);
    expect(escapeSequenceEnd('\x1b[200~', 0)).toBe(6);
    expect(escapeSequenceEnd('\x1bOPz', 0)).toBe(3);
    expect(escapeSequenceEnd('\x1bxz', 0)).toBe(2);
    expect(escapeSequenceEnd('\x1b', 0)).toBe(1);
    expect(escapeSequenceEnd('\x1b[12', 0)).toBe(4); // cut short: everything there is
  });
});
