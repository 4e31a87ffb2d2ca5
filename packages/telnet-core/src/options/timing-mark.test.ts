import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { harness, neg } from './harness.fixture.js';

describe('TIMING-MARK handler', () => {
  it('answers every DO, marks the stream with the answers to our DO, and is never a state', () => {
    const h = harness();
    h.engine.receive(neg(Cmd.DO, Opt.TIMING_MARK));
    h.engine.receive(neg(Cmd.DO, Opt.TIMING_MARK));
    expect(h.sent()).toEqual(['WILL TIMING-MARK', 'WILL TIMING-MARK']);
    expect(h.engine.isEnabled('local', Opt.TIMING_MARK)).toBe(false);
    h.take();
    h.engine.requestTimingMark();
    h.engine.receive(neg(Cmd.WONT, Opt.TIMING_MARK));
    h.engine.receive(neg(Cmd.WILL, Opt.TIMING_MARK));
    expect(h.sent()).toEqual(['DO TIMING-MARK', 'DONT TIMING-MARK']);
    expect(h.reported()).toEqual([{ type: 'timing-mark' }]);
    h.take();
    expect(h.engine.requestLocal(Opt.TIMING_MARK, true)).toBe(false);
    expect(h.sent()).toEqual([]);
  });
});
