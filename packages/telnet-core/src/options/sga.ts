import { Opt } from '../constants.js';
import type { OptionHandler } from './types.js';

/** SUPPRESS-GO-AHEAD (RFC 858): negotiated only; GA is reported as a command either way. */
export const sga: OptionHandler = {
  code: Opt.SGA,
  policy: {
    // RFC 1123 §3.2.2: a client must be able to run with SGA on both sides.
    client: { local: 'request', remote: 'request' },
    server: { local: 'request', remote: 'request' },
  },
};
