import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { harness, neg } from './harness.fixture.js';

describe('EOR handler', () => {
  it('is accepted both ways and leaves IAC EOR a command', () => {
    const h = harness();
    h.engine.receive(neg(Cmd.WILL, Opt.EOR));
    h.engine.receive(neg(Cmd.DO, Opt.EOR));
    expect(h.sent()).toEqual(['DO EOR', 'WILL EOR']);
    h.take();
    h.engine.receive(Uint8Array.of(0x41, Cmd.IAC, Cmd.EOR));
    expect(h.reported()).toEqual([
      { type: 'data', data: Uint8Array.of(0x41) },
      { type: 'command', command: Cmd.EOR },
    ]);
  });
});
