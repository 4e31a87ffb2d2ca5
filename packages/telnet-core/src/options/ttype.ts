import { asciiBytes, asciiString } from '../bytes.js';
import { Opt } from '../constants.js';
import { badSubnegotiation } from './shared.js';
import type { OptionContext, OptionHandler } from './types.js';

const IS = 0;
const SEND = 1;

const DEFAULT_TERMINAL_TYPES = ['XTERM-256COLOR', 'XTERM', 'VT100'] as const;

/** Server side: asks the peer for its (next) terminal type. */
export function requestTerminalType(ctx: OptionContext): void {
  ctx.sendSubnegotiation(Opt.TTYPE, [SEND]);
}

/**
 * TERMINAL-TYPE (RFC 1091). Client: answers SEND with each of `terminalTypes` in turn, repeats the last one to
 * end the list, then starts over. Server: reports the peer's IS as a `terminal-type` event.
 */
export const ttype: OptionHandler = {
  code: Opt.TTYPE,
  policy: {
    client: { local: 'request', remote: 'refuse' },
    server: { local: 'refuse', remote: 'request' },
  },
  subcommands: ['IS', 'SEND'],
  attach(ctx) {
    const configured = ctx.options.terminalTypes;
    const types = configured && configured.length > 0 ? configured : DEFAULT_TERMINAL_TYPES;
    let index = 0;
    return {
      subnegotiation(data, localOn, remoteOn) {
        if (data[0] === SEND && localOn) {
          let name: string;
          if (index < types.length) {
            name = types[index]!;
            index++;
          } else {
            name = types[types.length - 1]!;
            index = 0;
          }
          ctx.sendSubnegotiation(Opt.TTYPE, [IS, ...asciiBytes(name)]);
        } else if (data[0] === IS && remoteOn) {
          ctx.emit({ type: 'terminal-type', name: asciiString(data, 1) });
        } else {
          badSubnegotiation(ctx, Opt.TTYPE);
        }
      },
    };
  },
};
