/**
 * The options this engine implements, each in its own file. A new option is one handler file and one line
 * in this list.
 */
import { binary } from './binary.js';
import { charset } from './charset.js';
import { echo } from './echo.js';
import { eor } from './eor.js';
import { logout } from './logout.js';
import { naws } from './naws.js';
import { newEnviron } from './new-environ.js';
import { oldEnviron } from './old-environ.js';
import { sga } from './sga.js';
import { status } from './status.js';
import { supdup } from './supdup.js';
import { timingMark } from './timing-mark.js';
import { tspeed } from './tspeed.js';
import { ttype } from './ttype.js';
import type { OptionHandler } from './types.js';
import { xdisploc } from './xdisploc.js';

export const BUILTIN_OPTIONS: readonly OptionHandler[] = [
  binary,
  echo,
  sga,
  status,
  timingMark,
  logout,
  supdup,
  ttype,
  eor,
  naws,
  tspeed,
  xdisploc,
  oldEnviron,
  newEnviron,
  charset,
];
