import type { EffectiveSettings } from '@telgate/protocol';
import { describe, expect, it } from 'vitest';
import { InputPipeline, localEditingActive } from './input-pipeline';

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
