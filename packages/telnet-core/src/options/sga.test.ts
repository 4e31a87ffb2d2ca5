import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { harness, neg } from './harness.fixture.js';

describe('SGA handler', () => {
  it('is asked for on both sides at an active start, and accepted when offered', () => {
    const active = harness({ start: 'active' });
    active.engine.start();
    expect(active.sent()).toEqual(expect.arrayContaining(['DO SGA', 'WILL SGA']));
    const passive = harness();
    passive.engine.receive(neg(Cmd.WILL, Opt.SGA));
    passive.engine.receive(neg(Cmd.DO, Opt.SGA));
    expect(passive.sent()).toEqual(['DO SGA', 'WILL SGA']);
    expect(passive.engine.isEnabled('local', Opt.SGA) && passive.engine.isEnabled('remote', Opt.SGA)).toBe(
      true,
    );
  });
});
