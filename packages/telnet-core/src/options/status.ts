import { Cmd, commandName, Opt, optionName } from '../constants.js';
import { describeSubcommand } from './format.js';
import type { OptionHandler } from './types.js';

const IS = 0;
const SEND = 1;

/** STATUS (RFC 859): answers SEND with the options enabled on both sides. */
export const status: OptionHandler = {
  code: Opt.STATUS,
  policy: {
    client: { local: 'accept', remote: 'accept' },
    server: { local: 'accept', remote: 'accept' },
  },
  subcommands: ['IS', 'SEND'],
  describe: (data) =>
    describeSubcommand(status.subcommands, data, (rest) => {
      const parts: string[] = [];
      for (let k = 0; k + 1 < rest.length; k += 2)
        parts.push(`${commandName(rest[k]!)} ${optionName(rest[k + 1]!)}`);
      return parts.join(', ');
    }),
  attach: (ctx) => ({
    subnegotiation(data, localOn) {
      if (data[0] !== SEND || !localOn) return;
      // IS, then WILL x for each option enabled on our side and DO x for each enabled on the peer's.
      const body: number[] = [IS];
      for (let opt = 0; opt < 256; opt++) {
        if (ctx.isEnabled('local', opt)) body.push(Cmd.WILL, opt);
        if (ctx.isEnabled('remote', opt)) body.push(Cmd.DO, opt);
      }
      // SE inside STATUS data is doubled, on top of the usual IAC doubling.
      const out: number[] = [];
      for (const b of body) {
        out.push(b);
        if (b === Cmd.SE) out.push(b);
      }
      ctx.sendSubnegotiation(Opt.STATUS, out);
    },
  }),
};
