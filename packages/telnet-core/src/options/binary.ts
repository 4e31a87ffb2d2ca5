import { Opt } from '../constants.js';
import type { OptionHandler } from './types.js';

/** BINARY (RFC 856): per direction, every byte is data; no CR NUL or CR LF rules, no lost-DM reading. */
export const binary: OptionHandler = {
  code: Opt.BINARY,
  policy: {
    client: { local: 'accept', remote: 'accept' },
    server: { local: 'accept', remote: 'accept' },
  },
  attach: (ctx) => ({
    // Before the `option` event, so whoever reacts to it already sends and receives in the new mode.
    changing: (side, enabled) => ctx.setBinary(side, enabled),
  }),
};
