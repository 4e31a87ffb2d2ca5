import { optionName } from '../constants.js';
import type { OptionContext } from './types.js';

/** Reports a subnegotiation that is malformed or not expected in the option's current state. */
export function badSubnegotiation(ctx: OptionContext, opt: number): void {
  ctx.warn('TELNET_ERR_BAD_SUBNEGOTIATION', `malformed or unexpected subnegotiation for ${optionName(opt)}`);
}
