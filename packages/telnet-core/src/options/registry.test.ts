import { afterEach, describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { describeCommand } from '../describe.js';
import { CLIENT_POLICY, SERVER_POLICY } from '../policy.js';
import { ascii, harness, neg, sb } from './harness.fixture.js';
import { BUILTIN_OPTIONS } from './index.js';
import { defaultPolicy, optionHandler, registerOption, subnegotiationWords } from './registry.js';
import type { OptionHandler } from './types.js';

/** A made-up option: the peer may enable it; it answers `PING <text>` with `PONG <text>` and reports each ping. */
const TOY = 200;
const PING = 1;
const PONG = 2;
const toy: OptionHandler = {
  code: TOY,
  policy: { client: { local: 'refuse', remote: 'accept' } },
  subcommands: ['', 'PING', 'PONG'],
  attach: (ctx) => ({
    changed(side, enabled) {
      if (side === 'remote' && enabled) ctx.sendSubnegotiation(TOY, [PING, ...ascii('hello')]);
    },
    subnegotiation(data, _localOn, remoteOn) {
      if (remoteOn && data[0] === PING) {
        ctx.sendSubnegotiation(TOY, [PONG, ...data.subarray(1)]);
        ctx.emit({ type: 'warning', code: 'TELNET_ERR_BAD_REQUEST', message: 'ping' });
      }
    },
  }),
};

let unregister: (() => void) | undefined;
afterEach(() => {
  unregister?.();
  unregister = undefined;
});

describe('option registry', () => {
  it('holds every built-in option once, by code', () => {
    const codes = BUILTIN_OPTIONS.map((h) => h.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const h of BUILTIN_OPTIONS) expect(optionHandler(h.code)).toBe(h);
    expect(optionHandler(TOY)).toBeUndefined();
  });

  it('builds the role policies from the handlers', () => {
    expect(CLIENT_POLICY[Opt.NAWS]).toEqual({ local: 'request', remote: 'refuse' });
    expect(SERVER_POLICY[Opt.NAWS]).toEqual({ local: 'refuse', remote: 'request' });
    expect(CLIENT_POLICY[Opt.XDISPLOC]).toBeUndefined();
  });

  it('needs nothing but a registration for negotiation, subnegotiation and description of a new option', () => {
    const before = harness();
    before.engine.receive(neg(Cmd.WILL, TOY));
    expect(before.sent()).toEqual(['DONT 200']);
    expect(describeCommand(sb(TOY, PONG, ...ascii('x')))).toBe('SB 200 02 78');

    unregister = registerOption(toy);
    expect(defaultPolicy('client')[TOY]).toEqual({ local: 'refuse', remote: 'accept' });
    const h = harness();
    h.engine.receive(neg(Cmd.WILL, TOY));
    expect(h.engine.isEnabled('remote', TOY)).toBe(true);
    h.engine.receive(sb(TOY, PING, ...ascii('abc')));
    expect(h.sent()).toEqual(['DO 200', 'SB 200 PING "hello"', 'SB 200 PONG "abc"']);
    expect(h.reported().at(-1)).toEqual({ type: 'warning', code: 'TELNET_ERR_BAD_REQUEST', message: 'ping' });
    expect(subnegotiationWords(TOY)).toEqual({ PING: 1, PONG: 2 });

    unregister();
    unregister = undefined;
    expect(optionHandler(TOY)).toBeUndefined();
    expect(describeCommand(sb(TOY, PONG))).toBe('SB 200 02');
  });

  it('reads a subnegotiation whose describer throws as bytes, and refuses a bad code', () => {
    unregister = registerOption({
      code: TOY,
      describe: () => {
        throw new Error('bad');
      },
    });
    expect(describeCommand(sb(TOY, 1, 2))).toBe('SB 200 01 02');
    expect(() => registerOption({ code: 256 })).toThrow(RangeError);
  });
});
