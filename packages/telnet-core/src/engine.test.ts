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

describe('receive', () => {
  it('keeps every byte of long text runs between sparse escaped IACs, NULs after CR and lost DMs', () => {
    // A chunk that is compacted (bytes are removed) and has runs far longer than a few words, each
    // ending at a different alignment, with specials near the start, middle and end of the chunk.
    const text = (length: number, seed: number) =>
      Uint8Array.from({ length }, (_, k) => 0x20 + ((k * 7 + seed) % 0x5f));
    const wire: number[] = [];
    const data: number[] = [];
    for (let run = 0; run < 40; run++) {
      const piece = Array.from(text(60 + run * 37, run));
      wire.push(...piece);
      data.push(...piece);
      if (run % 3 === 0) {
        wire.push(0xff, 0xff);
        data.push(0xff);
      } else if (run % 3 === 1) {
        wire.push(0x0d, 0x00);
        data.push(0x0d);
      } else {
        wire.push(0xff, 0xff, 0x41);
        data.push(0xff, 0x41);
      }
    }
    const out: number[] = [];
    const engine = new TelnetEngine({ start: 'passive', lostDm: 'utf8' }, (e) => {
      if (e.type === 'data') out.push(...e.data);
    });
    // Whole, and in uneven pieces so the runs start at every offset of a word.
    engine.receive(Uint8Array.from(wire));
    for (let o = 0, k = 0; o < wire.length; k++) {
      const size = 997 + (k % 5);
      engine.receive(Uint8Array.from(wire.slice(o, o + size)));
      o += size;
    }
    expect(out).toEqual([...data, ...data]);
  });
});
