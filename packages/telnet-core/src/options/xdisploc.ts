import { Opt } from '../constants.js';
import type { OptionHandler } from './types.js';

/** X-DISPLAY-LOCATION (RFC 1096): refused by both default policies; only its subnegotiation is read, for traces. */
export const xdisploc: OptionHandler = {
  code: Opt.XDISPLOC,
  subcommands: ['IS', 'SEND'],
};
