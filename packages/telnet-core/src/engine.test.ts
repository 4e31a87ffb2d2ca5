import { describe, expect, it } from 'vitest';
import { TelnetEngine } from './engine.js';

describe('sendData', () => {
  it('hands text whose every CR is followed by LF on as is, without a copy', () => {
    const sent: Uint8Array[] = [];
    const engine = new TelnetEngine({ start: 'passive' }, (e) => {
      if (e.type === 'send') sent.push(e.data);
    });
    const text = new TextEncoder().encode('line one\r\nline two\r\n');
    engine.sendData(text);
    expect(sent[0]).toBe(text);
    engine.sendData(new TextEncoder().encode('bare\rcr'));
    expect(Array.from(sent[1]!)).toEqual([
      ...new TextEncoder().encode('bare\r'),
      0,
      ...new TextEncoder().encode('cr'),
    ]);
  });
});
