import { Opt } from '../constants.js';
import type { OptionHandler } from './types.js';

/** SUPDUP (RFC 736): once agreed on either side there is no more Telnet; 0xFF is an ordinary byte. */
export const supdup: OptionHandler = {
  code: Opt.SUPDUP,
  policy: {
    // SUPDUP replaces Telnet entirely; only a target configured for it accepts.
    client: { local: 'refuse', remote: 'refuse' },
    server: { local: 'refuse', remote: 'refuse' },
  },
  attach: (ctx) => ({
    changed(_side, enabled) {
      if (enabled) ctx.enterRaw();
    },
  }),
};
