import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_PASTE_SETTINGS,
  needsConfirmation,
  type PasteEnd,
  PastePacer,
  type PasteSettings,
  pasteChunks,
  splitPaste,
  visibleText,
  WAIT_TIMEOUT_MS,
} from './paced-paste';

describe('splitting a paste', () => {
  it('splits at CRLF, CR and LF, and notes a final line break', () => {
    expect(splitPaste('a\r\nb\rc\nd')).toEqual({ lines: ['a', 'b', 'c', 'd'], finalBreak: false });
    expect(splitPaste('a\nb\n')).toEqual({ lines: ['a', 'b'], finalBreak: true });
    expect(splitPaste('one')).toEqual({ lines: ['one'], finalBreak: false });
    expect(splitPaste('one\r\n')).toEqual({ lines: ['one'], finalBreak: true });
  });

  it('asks only about more than one line', () => {
    expect(needsConfirmation('show version')).toBe(false);
    expect(needsConfirmation('show version\n')).toBe(false);
    expect(needsConfirmation('conf t\nhostname sw1\nend\n')).toBe(true);
    expect(needsConfirmation('a\n\n')).toBe(true);
  });

  it('ends each line with Enter, the last one only if it had a line break', () => {
    expect(pasteChunks(splitPaste('a\nb'))).toEqual(['a\r', 'b']);
    expect(pasteChunks(splitPaste('a\r\nb\r\n'))).toEqual(['a\r', 'b\r']);
  });

  it('sees the text through escape sequences', () => {
    expect(visibleText('\x1b[1mSW1\x1b[0m(config)#\x1b]0;title\x07 \r\n')).toBe('SW1(config)# \n');
  });
});

describe('PastePacer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function pacer(text: string, settings: Partial<PasteSettings> = {}) {
    const sent: string[] = [];
    const progress: Array<[number, number]> = [];
    const ends: PasteEnd[] = [];
    const instance = new PastePacer(
      text,
      { ...DEFAULT_PASTE_SETTINGS, ...settings },
      {
        send: (chunk) => sent.push(chunk),
        progress: (n, total) => progress.push([n, total]),
        end: (result) => ends.push(result),
      },
    );
    return { instance, sent, progress, ends };
  }

  it('sends one line per line delay, with progress, and ends', () => {
    const { instance, sent, progress, ends } = pacer('a\nb\nc\n', { lineDelayMs: 100 });
    instance.start();
    expect(sent).toEqual(['a\r']);
    vi.advanceTimersByTime(99);
    expect(sent).toEqual(['a\r']);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(['a\r', 'b\r']);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual(['a\r', 'b\r', 'c\r']);
    expect(progress).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(ends).toEqual(['done']);
    expect(instance.done).toBe(true);
  });

  it('sends the characters of a line one by one with a character delay', () => {
    const { instance, sent } = pacer('ab\ncd', { lineDelayMs: 50, charDelayMs: 10 });
    instance.start();
    expect(sent).toEqual(['a']);
    vi.advanceTimersByTime(10);
    expect(sent).toEqual(['a', 'b']);
    vi.advanceTimersByTime(10);
    expect(sent).toEqual(['a', 'b', '\r']);
    vi.advanceTimersByTime(49);
    expect(sent).toHaveLength(3);
    vi.advanceTimersByTime(1);
    vi.advanceTimersByTime(10);
    expect(sent).toEqual(['a', 'b', '\r', 'c', 'd']);
  });

  it('never splits a character made of two UTF-16 units', () => {
    const { instance, sent } = pacer('😀x\ny', { charDelayMs: 5 });
    instance.start();
    vi.runAllTimers();
    expect(sent.slice(0, 3)).toEqual(['😀', 'x', '\r']);
  });

  it('sends nothing more after an abort', () => {
    const { instance, sent, ends } = pacer('1\n2\n3\n4\n', { lineDelayMs: 100 });
    instance.start();
    vi.advanceTimersByTime(100);
    instance.abort();
    vi.runAllTimers();
    expect(sent).toEqual(['1\r', '2\r']);
    expect(ends).toEqual(['aborted']);
    instance.abort();
    expect(ends).toEqual(['aborted']);
  });

  it('waits for the echo of each line before the line delay', () => {
    const { instance, sent } = pacer('show run\nshow ver\n', { lineDelayMs: 20, waitFor: 'echo' });
    instance.start();
    expect(sent).toEqual(['show run\r']);
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(1);
    instance.observe('show ');
    instance.observe('\x1b[Krun\r\n');
    vi.advanceTimersByTime(19);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(['show run\r', 'show ver\r']);
  });

  it('waits for the prompt after each line when asked to', () => {
    const { instance, sent } = pacer('a\nb\n', { lineDelayMs: 0, waitFor: 'prompt', prompt: '(config)#' });
    instance.start();
    instance.observe('sw1(config)'); // not yet the prompt
    vi.advanceTimersByTime(100);
    expect(sent).toEqual(['a\r']);
    instance.observe('#');
    vi.advanceTimersByTime(0);
    expect(sent).toEqual(['a\r', 'b\r']);
  });

  it('goes on after the wait times out, rather than hanging', () => {
    const { instance, sent, ends } = pacer('a\nb\n', { lineDelayMs: 0, waitFor: 'echo' });
    instance.start();
    vi.advanceTimersByTime(WAIT_TIMEOUT_MS - 1);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    vi.advanceTimersByTime(1); // the line delay (at least 1 ms in a timer, as in Node)
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(WAIT_TIMEOUT_MS);
    expect(ends).toEqual(['done']);
  });

  it('clamps unreasonable delays', () => {
    const { instance, sent } = pacer('a\nb', { lineDelayMs: Number.NaN, charDelayMs: -5 });
    instance.start();
    vi.advanceTimersByTime(0);
    expect(sent).toEqual(['a\r', 'b']);
  });
});
