import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { describeCommand } from '../describe.js';
import { harness, neg, sb } from './harness.fixture.js';

describe('STATUS handler', () => {
  it('answers SEND with the options enabled on each side, SE doubled', () => {
    const h = harness({ policy: { [Cmd.SE]: { local: 'accept', remote: 'refuse' } } });
    h.engine.receive(neg(Cmd.DO, Opt.STATUS));
    h.engine.receive(neg(Cmd.WILL, Opt.SGA));
    h.engine.receive(neg(Cmd.DO, Cmd.SE));
    h.take();
    h.engine.receive(sb(Opt.STATUS, 1));
    const send = h.take().find((e) => e.type === 'send')!;
    expect(Array.from(send.data as Uint8Array)).toEqual([
      Cmd.IAC,
      Cmd.SB,
      Opt.STATUS,
      0,
      Cmd.DO,
      Opt.SGA,
      Cmd.WILL,
      Opt.STATUS,
      Cmd.WILL,
      Cmd.SE,
      Cmd.SE,
      Cmd.IAC,
      Cmd.SE,
    ]);
  });

  it('describes IS as the list of options', () => {
    expect(describeCommand(sb(Opt.STATUS, 0, Cmd.WILL, Opt.SGA, Cmd.DO, Opt.ECHO))).toBe(
      'SB STATUS IS WILL SGA, DO ECHO',
    );
    expect(describeCommand(sb(Opt.STATUS, 1))).toBe('SB STATUS SEND');
  });
});
