import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { describeCommand } from '../describe.js';
import { ascii, harness, neg, sb } from './harness.fixture.js';
import { subnegotiationWords } from './registry.js';

describe('XDISPLOC handler', () => {
  it('is refused, and its subnegotiations are named', () => {
    const h = harness();
    h.engine.receive(neg(Cmd.DO, Opt.XDISPLOC));
    expect(h.sent()).toEqual(['WONT XDISPLOC']);
    expect(describeCommand(sb(Opt.XDISPLOC, 0, ...ascii('host:0')))).toBe('SB XDISPLOC IS "host:0"');
    expect(subnegotiationWords(Opt.XDISPLOC)).toEqual({ IS: 0, SEND: 1 });
  });
});
