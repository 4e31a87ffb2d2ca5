import { Opt } from '../constants.js';
import { EnvironCmd } from '../environ.js';
import { describeEnviron } from './new-environ.js';
import type { OptionHandler } from './types.js';

/** ENVIRON (RFC 1408), superseded by NEW-ENVIRON: refused by both default policies; read for traces only. */
export const oldEnviron: OptionHandler = {
  code: Opt.OLD_ENVIRON,
  subcommands: ['IS', 'SEND', 'INFO'],
  words: EnvironCmd,
  describe: describeEnviron,
};
