import { Opt } from '../constants.js';
import type { OptionHandler } from './types.js';

/** ECHO (RFC 857): negotiated only; echoing is the terminal's business. */
export const echo: OptionHandler = {
  code: Opt.ECHO,
  policy: {
    // A host that asks us to echo would get its own output echoed back: refuse DO ECHO, accept WILL ECHO.
    client: { local: 'refuse', remote: 'request' },
    server: { local: 'request', remote: 'refuse' },
  },
};
