import type { EffectiveSettings } from '@telgate/protocol';
import { describe, expect, it } from 'vitest';
import { InputPipeline, localEditingActive } from './input-pipeline';
import { LineHistory } from './line-history';

function pipeline() {
  const sent: string[] = [];
  const echoed: string[] = [];
  const input = new InputPipeline({ send: (text) => sent.push(text), echo: (text) => echoed.push(text) });
  return { input, sent, echoed };
}

const settings = (localEcho: EffectiveSettings['localEcho'], remoteEcho: boolean): EffectiveSettings => ({
  eol: 'crlf',
  backspace: 'del',
  localEcho,
  charset: 'UTF-8',
  remoteEcho,
});

describe('localEditingActive', () => {
  it('follows the host’s echo in auto mode, and the user’s override otherwise', () => {
    expect(localEditingActive(undefined)).toBe(false);
    expect(localEditingActive(settings('auto', false))).toBe(true);
    expect(localEditingActive(settings('auto', true))).toBe(false);
    expect(localEditingActive(settings('on', true))).toBe(true);
    expect(localEditingActive(settings('off', false))).toBe(false);
  });
});

describe('InputPipeline', () => {
  it('passes keystrokes straight through while the host echoes', () => {
    const { input, sent, echoed } = pipeline();
    input.type('a');
    input.type('\x7f');
    expect(sent).toEqual(['a', '\x7f']);
    expect(echoed).toEqual([]);
  });

  it('edits lines locally while local editing is on', () => {
    const { input, sent, echoed } = pipeline();
    input.setLocalEditing(true);
    input.type('hi');
    input.type('\r');
    expect(echoed).toEqual(['hi', '\r\n']);
    expect(sent).toEqual(['hi\r']);
  });

  it('hands the pending line to the host when the host starts echoing', () => {
    const { input, sent, echoed } = pipeline();
    input.setLocalEditing(true);
    input.type('us');
    input.setLocalEditing(false);
    expect(echoed).toEqual(['us', '\b \b\b \b']);
    expect(sent).toEqual(['us']);
  });

  it('applies the sticky Ctrl to the next keystroke only', () => {
    const { input, sent } = pipeline();
    const changes: boolean[] = [];
    input.onCtrlChange((armed) => changes.push(armed));
    input.setCtrlArmed(true);
    input.type('c');
    input.type('c');
    expect(sent).toEqual(['\x03', 'c']);
    expect(changes).toEqual([true, false]);
    expect(input.ctrlArmed).toBe(false);
  });

  it('leaves key bar and embedder text alone even with Ctrl armed', () => {
    const { input, sent } = pipeline();
    input.setCtrlArmed(true);
    input.insert('\x1b[A');
    expect(sent).toEqual(['\x1b[A']);
    expect(input.ctrlArmed).toBe(true);
  });
});

describe('InputPipeline in MUD mode', () => {
  it('walks the history with Up instead of sending it, and keeps the line around output', () => {
    const { input, sent, echoed } = pipeline();
    input.setMudHistory(new LineHistory(['look']));
    input.setLocalEditing(true);
    expect(input.mudMode).toBe(true);
    input.type('n');
    expect(input.beforeOutput()).toBe('\x1b8\x1b[J');
    expect(input.afterOutput()).toBe('\x1b7n');
    input.type('\x1b[A');
    input.type('\r');
    expect(sent).toEqual(['look\r']);
    expect(echoed.join('')).toContain('look');
  });

  it('writes nothing around output while nothing is typed, or when local editing is off', () => {
    const { input, sent } = pipeline();
    input.setMudHistory(new LineHistory());
    input.setLocalEditing(true);
    expect([input.beforeOutput(), input.afterOutput()]).toEqual(['', '']);
    input.type('sec');
    input.setLocalEditing(false);
    expect(sent).toEqual(['sec']);
    input.type('\x1b[A');
    expect(sent).toEqual(['sec', '\x1b[A']);
    expect([input.beforeOutput(), input.afterOutput()]).toEqual(['', '']);
  });

  it('keeps a line being typed when MUD mode stays off', () => {
    const { input, sent } = pipeline();
    input.setLocalEditing(true);
    input.type('abc');
    input.setMudHistory(undefined);
    expect(sent).toEqual([]);
    input.type('\r');
    expect(sent).toEqual(['abc\r']);
  });

  it('hands the line being typed to the host when MUD mode is turned off', () => {
    const { input, sent } = pipeline();
    input.setLocalEditing(true);
    input.setMudHistory(new LineHistory());
    input.type('abc');
    input.setMudHistory(undefined);
    expect(sent).toEqual(['abc']);
    expect(input.mudMode).toBe(false);
  });
});
