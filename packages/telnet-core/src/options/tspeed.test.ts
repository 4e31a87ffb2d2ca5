import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { describeCommand } from '../describe.js';
import { ascii, harness, neg, sb } from './harness.fixture.js';

describe('TSPEED handler', () => {
  it('answers SEND with the configured speed', () => {
    const h = harness({ terminalSpeed: '9600,9600' });
    h.engine.receive(neg(Cmd.DO, Opt.TSPEED));
    h.take();
    h.engine.receive(sb(Opt.TSPEED, 1));
    h.engine.receive(sb(Opt.TSPEED, 5));
    expect(h.sent()).toEqual(['SB TSPEED IS "9600,9600"']);
    expect(h.reported().at(-1)).toEqual(expect.objectContaining({ code: 'TELNET_ERR_BAD_SUBNEGOTIATION' }));
  });

  it('describes IS and SEND', () => {
    expect(describeCommand(sb(Opt.TSPEED, 0, ...ascii('38400,38400')))).toBe('SB TSPEED IS "38400,38400"');
  });
});
