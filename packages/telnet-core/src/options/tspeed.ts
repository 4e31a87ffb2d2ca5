import { asciiBytes } from '../bytes.js';
import { Opt } from '../constants.js';
import { badSubnegotiation } from './shared.js';
import type { OptionHandler } from './types.js';

const IS = 0;
const SEND = 1;

/** TERMINAL-SPEED (RFC 1079): answers SEND with `terminalSpeed` ("transmit,receive" in bit/s). */
export const tspeed: OptionHandler = {
  code: Opt.TSPEED,
  policy: {
    client: { local: 'accept', remote: 'refuse' },
    server: { local: 'refuse', remote: 'accept' },
  },
  subcommands: ['IS', 'SEND'],
  attach(ctx) {
    const speed = ctx.options.terminalSpeed ?? '38400,38400';
    return {
      subnegotiation(data, localOn) {
        if (data[0] === SEND && localOn) ctx.sendSubnegotiation(Opt.TSPEED, [IS, ...asciiBytes(speed)]);
        else if (data[0] !== IS) badSubnegotiation(ctx, Opt.TSPEED);
      },
    };
  },
};
