/** The part of an xterm.js terminal (browser or headless) a SCREEN picture is drawn with. */
export interface PictureTerminal {
  readonly cols: number;
  readonly rows: number;
  write(data: string | Uint8Array, callback?: () => void): void;
  reset(): void;
}

export interface PictureHooks {
  /** Gives the terminal the picture's size (without reporting it to the host as the page's). */
  readonly resize: (cols: number, rows: number) => void;
  /** The picture has been parsed: it is on screen. */
  readonly drawn: () => void;
  /** False once the terminal is gone: nothing more is done with it. */
  readonly alive: () => boolean;
}

/**
 * Replaces everything on `term` with the gateway's picture of the terminal (`data`, drawn at
 * `cols`×`rows`), in turn with everything written to it: output written before (still waiting in
 * xterm.js's write queue) is parsed first and then wiped by the reset; output written after lands on
 * the picture. Resetting at once instead would let queued output be drawn onto the fresh picture.
 */
export function drawPicture(
  term: PictureTerminal,
  cols: number,
  rows: number,
  data: Uint8Array | string,
  hooks: PictureHooks,
): void {
  // Write callbacks run in order, each once its own data (and everything before it) is parsed.
  term.write('', () => {
    if (!hooks.alive()) return;
    term.reset();
    if (term.cols !== cols || term.rows !== rows) hooks.resize(cols, rows);
  });
  term.write(data, () => {
    if (hooks.alive()) hooks.drawn();
  });
}
