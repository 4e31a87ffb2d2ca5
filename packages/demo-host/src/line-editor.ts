import { BELL, CRLF, codePointWidth } from './text.js';

export interface LineEditorOptions {
  readonly prompt: string;
  /** Longest line accepted, in characters; typing past it rings the bell. */
  readonly maxLength: number;
  /** Words Tab completes at the start of the line. */
  readonly completions: readonly string[];
  readonly historySize?: number;
}

/** What ended the line being edited. */
export type Submission = { kind: 'line'; line: string } | { kind: 'eof' };

export interface FeedResult {
  /** Text to send to the terminal: echo, erase sequences, prompts. */
  readonly output: string;
  /** How much of the input (UTF-16 units) was used; the rest waits until the submitted line has run. */
  readonly consumed: number;
  readonly submitted: Submission | undefined;
}

const CTRL_C = 0x03;
const CTRL_D = 0x04;
const BS = 0x08;
const TAB = 0x09;
const LF = 0x0a;
const CTRL_L = 0x0c;
const CR = 0x0d;
const CTRL_U = 0x15;
const CTRL_W = 0x17;
const ESC = 0x1b;
const DEL = 0x7f;

/** Longest escape sequence followed before it is given up as noise. */
const MAX_ESCAPE = 32;

type EscapeState = 'none' | 'esc' | 'csi' | 'ss3';

/** One character as shown: a base code point with any zero-width marks after it, and its columns. */
interface Cell {
  text: string;
  width: number;
}

/**
 * The shell's line discipline, with the host echoing (it said WILL ECHO): printable text (any Unicode) is
 * echoed, BS/DEL erase a character, Ctrl-U the line, Ctrl-W a word; Ctrl-C abandons the line, Ctrl-D on an
 * empty line is end of input, Ctrl-L redraws, Tab completes a command, Up/Down recall history. CR, LF,
 * CR LF and CR NUL each end one line. Pure: it only turns typed text into output and submitted lines.
 */
export class LineEditor {
  /** Whether typed text is echoed; off when the client echoes for itself. */
  echo = true;

  private cells: Cell[] = [];
  private escape: EscapeState = 'none';
  private escapeLength = 0;
  private escapeParams = '';
  /** The key an escape sequence just completed (`A` Up, `B` Down), until it is acted on. */
  private pendingKey = '';
  /** A CR ended the last line: an LF right after it belongs to the same line end. */
  private afterCr = false;
  private readonly history: string[] = [];
  private historyIndex = 0;
  private draft = '';

  constructor(private readonly options: LineEditorOptions) {}

  /** The text typed on the current line. */
  get line(): string {
    return this.cells.map((c) => c.text).join('');
  }

  /** Starts a new, empty line: the prompt to show. */
  startLine(): string {
    this.cells = [];
    this.historyIndex = this.history.length;
    this.draft = '';
    return this.options.prompt;
  }

  /** The prompt and the line so far, to show again after something else was printed. */
  redraw(): string {
    return this.options.prompt + (this.echo ? this.line : '');
  }

  /** Handles typed text up to the first submitted line (or end of input), which the caller then runs. */
  feed(input: string): FeedResult {
    let output = '';
    let i = 0;
    while (i < input.length) {
      const cp = input.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      if (this.escape !== 'none' && this.continueEscape(cp)) {
        output += this.takeEscapeAction();
        continue;
      }
      if (cp === LF && this.afterCr) {
        this.afterCr = false;
        continue;
      }
      // NUL is the filler of CR NUL (in BINARY mode the engine leaves it in): not typed text.
      if (cp === 0) continue;
      this.afterCr = cp === CR;
      switch (cp) {
        case CR:
        case LF:
          return { output: output + this.echoed(CRLF), consumed: i, submitted: this.submit() };
        case CTRL_D:
          if (this.cells.length === 0) return { output, consumed: i, submitted: { kind: 'eof' } };
          output += BELL;
          break;
        case CTRL_C:
          output += `^C${CRLF}${this.startLine()}`;
          break;
        case BS:
        case DEL:
          output += this.erase(1);
          break;
        case CTRL_U:
          output += this.erase(this.cells.length);
          break;
        case CTRL_W:
          output += this.erase(this.wordLength());
          break;
        case CTRL_L:
          output += `\x1b[H\x1b[2J${this.redraw()}`;
          break;
        case TAB:
          output += this.complete();
          break;
        case ESC:
          this.escape = 'esc';
          this.escapeLength = 0;
          this.escapeParams = '';
          break;
        default:
          // Other C0 and C1 controls have no meaning here.
          if (cp >= 0x20 && !(cp >= 0x7f && cp < 0xa0)) output += this.insert(String.fromCodePoint(cp));
      }
    }
    return { output, consumed: i, submitted: undefined };
  }

  private echoed(text: string): string {
    return this.echo ? text : '';
  }

  private submit(): Submission {
    const line = this.line;
    if (line.trim() !== '' && this.history[this.history.length - 1] !== line) {
      this.history.push(line);
      if (this.history.length > (this.options.historySize ?? 100)) this.history.shift();
    }
    this.startLine();
    return { kind: 'line', line };
  }

  private insert(ch: string): string {
    const width = codePointWidth(ch.codePointAt(0)!);
    const last = this.cells[this.cells.length - 1];
    if (width === 0 && last) {
      // A combining mark joins the character before it, so erasing removes both.
      last.text += ch;
      return this.echoed(ch);
    }
    if (this.cells.length >= this.options.maxLength) return BELL;
    this.cells.push({ text: ch, width });
    return this.echoed(ch);
  }

  /** Removes the last `count` characters; the echo moves back over their columns and blanks them. */
  private erase(count: number): string {
    let columns = 0;
    for (let k = 0; k < count && this.cells.length > 0; k++) columns += this.cells.pop()!.width;
    if (columns === 0) return '';
    return this.echoed('\b'.repeat(columns) + ' '.repeat(columns) + '\b'.repeat(columns));
  }

  /** Characters Ctrl-W removes: trailing blanks, then the word before them. */
  private wordLength(): number {
    let k = this.cells.length;
    while (k > 0 && this.cells[k - 1]!.text.trim() === '') k--;
    while (k > 0 && this.cells[k - 1]!.text.trim() !== '') k--;
    return this.cells.length - k;
  }

  private complete(): string {
    const line = this.line;
    if (/\s/.test(line)) return BELL;
    const matches = this.options.completions.filter((word) => word.startsWith(line));
    if (matches.length === 0) return BELL;
    let common = matches[0]!;
    for (const word of matches) {
      while (!word.startsWith(common)) common = common.slice(0, -1);
    }
    const suffix = matches.length === 1 ? `${common.slice(line.length)} ` : common.slice(line.length);
    if (suffix === '') return BELL;
    let output = '';
    for (const ch of suffix) output += this.insert(ch);
    return output;
  }

  private replaceLine(text: string): string {
    let output = this.erase(this.cells.length);
    for (const ch of text) output += this.insert(ch);
    return output;
  }

  /**
   * Follows an escape sequence (arrow keys and the like); true while the code point belongs to it. A
   * control character cuts the sequence short and is then handled as typed.
   */
  private continueEscape(cp: number): boolean {
    if (cp < 0x20 || cp > 0x7e || ++this.escapeLength > MAX_ESCAPE) {
      this.escape = 'none';
      return cp >= 0x20 && cp <= 0x7e;
    }
    const ch = String.fromCharCode(cp);
    switch (this.escape) {
      case 'esc':
        if (ch === '[') this.escape = 'csi';
        else if (ch === 'O') this.escape = 'ss3';
        else this.finishEscape(''); // Alt+key: ignored
        return true;
      case 'csi':
        if (cp >= 0x40) this.finishEscape(ch);
        else this.escapeParams += ch;
        return true;
      default:
        this.finishEscape(ch);
        return true;
    }
  }

  private finishEscape(final: string): void {
    this.escape = 'none';
    // Only Up and Down (without modifiers) mean something here.
    this.pendingKey = this.escapeParams === '' || this.escapeParams === '1' ? final : '';
  }

  private takeEscapeAction(): string {
    const key = this.pendingKey;
    this.pendingKey = '';
    if (key === 'A' && this.historyIndex > 0) {
      if (this.historyIndex === this.history.length) this.draft = this.line;
      this.historyIndex--;
      return this.replaceLine(this.history[this.historyIndex]!);
    }
    if (key === 'B' && this.historyIndex < this.history.length) {
      this.historyIndex++;
      const text = this.historyIndex === this.history.length ? this.draft : this.history[this.historyIndex]!;
      return this.replaceLine(text);
    }
    return '';
  }
}
