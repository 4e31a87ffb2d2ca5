import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { TelnetEngine } from '../engine.js';
import type { TelnetEvent } from '../events.js';
import { harness, neg } from './harness.fixture.js';

describe('BINARY handler', () => {
  it('keeps CR NUL as data once the peer sends in BINARY', () => {
    const h = harness();
    h.engine.receive(Uint8Array.of(0x0d, 0x00));
    expect(h.reported()).toEqual([{ type: 'data', data: Uint8Array.of(0x0d) }]);
    h.take();
    h.engine.receive(neg(Cmd.WILL, Opt.BINARY));
    h.engine.receive(Uint8Array.of(0x0d, 0x00));
    expect(h.reported().at(-1)).toEqual({ type: 'data', data: Uint8Array.of(0x0d, 0x00) });
  });

  it('sends a bare CR as is once we send in BINARY, already from the option event', () => {
    const events: TelnetEvent[] = [];
    const engine: TelnetEngine = new TelnetEngine({ start: 'passive' }, (e) => {
      events.push(e);
      if (e.type === 'option' && e.option === Opt.BINARY) engine.sendData(Uint8Array.of(0x0d));
    });
    engine.sendData(Uint8Array.of(0x0d));
    engine.receive(neg(Cmd.DO, Opt.BINARY));
    const sends = events.filter((e) => e.type === 'send').map((e) => Array.from(e.data));
    expect(sends).toEqual([
      [0x0d, 0x00],
      [Cmd.IAC, Cmd.WILL, Opt.BINARY, 0x0d],
    ]);
  });
});
