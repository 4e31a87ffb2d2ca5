import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { describeCommand } from '../describe.js';
import { ascii, harness, neg, sb } from './harness.fixture.js';
import { subnegotiationWords } from './registry.js';

describe('NEW-ENVIRON handler', () => {
  it('discloses only the configured variables that were asked for', () => {
    const h = harness({ environ: { USER: 'alice', LANG: 'C' } });
    h.engine.receive(neg(Cmd.DO, Opt.NEW_ENVIRON));
    h.take();
    h.engine.receive(sb(Opt.NEW_ENVIRON, 1, 0, ...ascii('USER'), 0, ...ascii('HOME')));
    h.engine.receive(sb(Opt.NEW_ENVIRON, 1, 3));
    h.engine.receive(sb(Opt.NEW_ENVIRON, 1));
    expect(h.sent()).toEqual([
      'SB NEW-ENVIRON IS VAR "USER" VALUE "alice"',
      'SB NEW-ENVIRON IS USERVAR "LANG" VALUE "C"',
      'SB NEW-ENVIRON IS VAR "USER" VALUE "alice" USERVAR "LANG" VALUE "C"',
    ]);
  });

  it('reports the peer’s environment (server)', () => {
    const h = harness({ role: 'server' });
    h.engine.receive(neg(Cmd.WILL, Opt.NEW_ENVIRON));
    h.take();
    h.engine.requestEnviron();
    h.engine.receive(sb(Opt.NEW_ENVIRON, 2, 0, ...ascii('USER'), 1, ...ascii('bob')));
    expect(h.sent()).toEqual(['SB NEW-ENVIRON SEND']);
    expect(h.reported().at(-1)).toEqual({
      type: 'environ',
      kind: 'info',
      vars: [{ kind: 'var', name: 'USER', value: 'bob' }],
    });
  });

  it('names its subcommands and type bytes', () => {
    expect(describeCommand(sb(Opt.NEW_ENVIRON, 0, 3, ...ascii('X')))).toBe('SB NEW-ENVIRON IS USERVAR "X"');
    expect(subnegotiationWords(Opt.NEW_ENVIRON)).toEqual({
      IS: 0,
      SEND: 1,
      INFO: 2,
      VAR: 0,
      VALUE: 1,
      ESC: 2,
      USERVAR: 3,
    });
  });
});
