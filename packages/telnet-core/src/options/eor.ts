import { Opt } from '../constants.js';
import type { OptionHandler } from './types.js';

/** END-OF-RECORD (RFC 885): negotiated only; IAC EOR is reported as a command. */
export const eor: OptionHandler = {
  code: Opt.EOR,
  policy: {
    client: { local: 'accept', remote: 'accept' },
    server: { local: 'accept', remote: 'accept' },
  },
};
