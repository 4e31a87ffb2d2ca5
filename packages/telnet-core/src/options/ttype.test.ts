import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { describeCommand } from '../describe.js';
import { ascii, harness, neg, sb } from './harness.fixture.js';

describe('TTYPE handler', () => {
  it('offers each terminal type in turn, the last one twice, then starts over', () => {
    const h = harness({ terminalTypes: ['A', 'B'] });
    h.engine.receive(neg(Cmd.DO, Opt.TTYPE));
    h.take();
    for (let k = 0; k < 4; k++) h.engine.receive(sb(Opt.TTYPE, 1));
    expect(h.sent()).toEqual(['SB TTYPE IS "A"', 'SB TTYPE IS "B"', 'SB TTYPE IS "B"', 'SB TTYPE IS "A"']);
  });

  it('reports the peer’s terminal type (server) and asks for it', () => {
    const h = harness({ role: 'server' });
    h.engine.receive(neg(Cmd.WILL, Opt.TTYPE));
    h.take();
    h.engine.requestTerminalType();
    h.engine.receive(sb(Opt.TTYPE, 0, ...ascii('VT220')));
    expect(h.sent()).toEqual(['SB TTYPE SEND']);
    expect(h.reported().at(-1)).toEqual({ type: 'terminal-type', name: 'VT220' });
    h.take();
    h.engine.receive(sb(Opt.TTYPE, 7));
    expect(h.reported().at(-1)).toEqual(expect.objectContaining({ code: 'TELNET_ERR_BAD_SUBNEGOTIATION' }));
  });

  it('describes IS and SEND', () => {
    expect(describeCommand(sb(Opt.TTYPE, 0, ...ascii('VT')))).toBe('SB TTYPE IS "VT"');
    expect(describeCommand(sb(Opt.TTYPE, 9, 1))).toBe('SB TTYPE 09 01');
  });
});
