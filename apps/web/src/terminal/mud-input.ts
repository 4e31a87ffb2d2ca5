import { type EditResult, escapeSequenceEnd, LineEditor } from './line-editor';
import type { LineHistory } from './line-history';

const ESC = '\x1b';
/** DECSC / DECRC: save and restore the cursor (with its attributes). */
const SAVE_CURSOR = '\x1b7';
const RESTORE_CURSOR = '\x1b8';
/** ED 0: erase from the cursor to the end of the screen. */
const ERASE_BELOW = '\x1b[J';

/** Up and Down in normal and application cursor mode. */
const HISTORY_KEYS: Readonly<Record<string, 'previous' | 'next'>> = {
  '\x1b[A': 'previous',
  '\x1bOA': 'previous',
  '\x1b[B': 'next',
  '\x1bOB': 'next',
};
/** Left, Right, Home, End: not sent in MUD mode (the host would only see noise in its line). */
const SWALLOWED_KEYS = new Set([
  '\x1b[C',
  '\x1bOC',
  '\x1b[D',
  '\x1bOD',
  '\x1b[H',
  '\x1bOH',
  '\x1b[F',
  '\x1bOF',
]);

/**
 * Line editing the way MUD clients do it: the line is edited and echoed here and sent on Enter; Up
 * and Down walk the history of lines sent instead of going to the host; and the line being typed
 * stays intact when output arrives: it is erased, the output written, and the line drawn again after
 * it (without the prompt it followed, which is now part of the output above).
 *
 * Where the typed line begins is kept with the terminal's save-cursor (DECSC), set just before its
 * first character is echoed; erasing goes back there and clears to the end of the screen, so a line
 * wrapped over several rows goes too.
 */
export class MudInput {
  private readonly editor: LineEditor;
  /** The terminal's saved cursor marks where the typed line begins. */
  private anchored = false;

  constructor(private readonly history: LineHistory) {
    this.editor = new LineEditor((line) => this.history.add(line));
  }

  /** The text typed and not sent yet. */
  get pending(): string {
    return this.editor.pending;
  }

  feed(data: string): EditResult {
    let echo = '';
    let send = '';
    let i = 0;
    while (i < data.length) {
      const end =
        data[i] === ESC ? escapeSequenceEnd(data, i) : i + String.fromCodePoint(data.codePointAt(i)!).length;
      const unit = data.slice(i, end);
      i = end;
      const walk = HISTORY_KEYS[unit];
      if (walk !== undefined) {
        const line = walk === 'previous' ? this.history.previous(this.editor.pending) : this.history.next();
        if (line === undefined) continue;
        if (this.anchored) {
          // Back to where the line begins and clear below: a line wrapped over rows goes entirely.
          this.editor.replace(line);
          echo += RESTORE_CURSOR + ERASE_BELOW + line;
        } else {
          echo += this.anchor(this.editor.replace(line));
        }
        continue;
      }
      if (SWALLOWED_KEYS.has(unit)) continue;
      const result = this.editor.feed(unit);
      echo += this.anchor(result.echo);
      send += result.send;
      // A line sent (Enter, or a control key that takes the line with it): the next begins elsewhere.
      if (result.send !== '') this.anchored = false;
    }
    return { echo, send };
  }

  /**
   * Before host output is written: takes the typed line off the screen (empty when nothing is typed).
   */
  beforeOutput(): string {
    if (!this.anchored) return '';
    this.anchored = false;
    return RESTORE_CURSOR + ERASE_BELOW;
  }

  /** After host output: the typed line again, where the output ended. */
  afterOutput(): string {
    const line = this.editor.pending;
    return line === '' ? '' : this.anchor(line);
  }

  /** Ends local editing: the typed line is erased and handed to the host (see LineEditor.release). */
  release(): EditResult {
    this.anchored = false;
    return this.editor.release();
  }

  /** Echo that begins the typed line marks where it begins first. */
  private anchor(echo: string): string {
    if (this.anchored || this.editor.pending === '' || echo === '') return echo;
    this.anchored = true;
    return SAVE_CURSOR + echo;
  }
}
