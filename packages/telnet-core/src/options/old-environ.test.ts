import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { describeCommand } from '../describe.js';
import { ascii, harness, neg, sb } from './harness.fixture.js';

describe('ENVIRON (old) handler', () => {
  it('is refused, and its subnegotiations read like NEW-ENVIRON’s', () => {
    const h = harness();
    h.engine.receive(neg(Cmd.DO, Opt.OLD_ENVIRON));
    expect(h.sent()).toEqual(['WONT OLD-ENVIRON']);
    expect(describeCommand(sb(Opt.OLD_ENVIRON, 1, 0, ...ascii('USER')))).toBe(
      'SB OLD-ENVIRON SEND VAR "USER"',
    );
  });
});
