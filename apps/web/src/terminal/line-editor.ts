import { graphemes, graphemeWidth } from './cell-width';

/** What one batch of keystrokes does: text to show locally, and text to send to the host. */
export interface EditResult {
  readonly echo: string;
  readonly send: string;
}

const ESC = '\x1b';
const BACKSPACE_CHARS = new Set(['\x7f', '\b']);
const ERASE_LINE = '\x15'; // Ctrl-U
const ERASE_WORD = '\x17'; // Ctrl-W

/**
 * Local line editing for hosts that do not echo (the old "kludge line mode"): printable characters
 * are echoed and collected; Backspace, Ctrl-U and Ctrl-W edit the line; Enter sends it. Any other
 * control key or escape sequence (arrows, Ctrl-C, Tab…) sends the pending text and then itself, so
 * the host gets exactly the bytes it would have got character by character, in the same order.
 */
export class LineEditor {
  private line = '';

  /** `onLine` hears every line Enter sends (without its line end), e.g. for a history. */
  constructor(private readonly onLine?: (line: string) => void) {}

  /** The text typed and not sent yet. */
  get pending(): string {
    return this.line;
  }

  feed(data: string): EditResult {
    let echo = '';
    let send = '';
    let i = 0;
    while (i < data.length) {
      const char = String.fromCodePoint(data.codePointAt(i)!);
      if (char === '\r' || char === '\n') {
        this.onLine?.(this.line);
        send += this.line + char;
        echo += '\r\n';
        this.line = '';
        i += char.length;
      } else if (BACKSPACE_CHARS.has(char)) {
        echo += this.eraseLast();
        i += 1;
      } else if (char === ERASE_LINE) {
        echo += this.eraseWhile(() => true);
        i += 1;
      } else if (char === ERASE_WORD) {
        echo += this.eraseWord();
        i += 1;
      } else if (char === ESC) {
        const end = escapeSequenceEnd(data, i);
        send += this.line + data.slice(i, end);
        this.line = '';
        i = end;
      } else if (isControl(char)) {
        send += this.line + char;
        this.line = '';
        i += char.length;
      } else {
        this.line += char;
        echo += char;
        i += char.length;
      }
    }
    return { echo, send };
  }

  /**
   * Ends local editing (the host now echoes): the locally echoed pending text is erased from the
   * screen and sent to the host, which shows it again as it echoes.
   */
  release(): EditResult {
    const send = this.line;
    const echo = this.eraseWhile(() => true);
    return { echo, send };
  }

  /** Replaces the line being typed with `text` (a line from the history): what to echo. */
  replace(text: string): string {
    const echo = this.eraseWhile(() => true);
    this.line = text;
    return echo + text;
  }

  private eraseLast(): string {
    const parts = graphemes(this.line);
    const last = parts.pop();
    if (last === undefined) return '';
    this.line = parts.join('');
    return rubOut(graphemeWidth(last));
  }

  /** Erases graphemes from the end while `keep` says so (and the line is not empty). */
  private eraseWhile(more: (grapheme: string) => boolean): string {
    const parts = graphemes(this.line);
    let echo = '';
    while (parts.length > 0 && more(parts[parts.length - 1]!)) echo += rubOut(graphemeWidth(parts.pop()!));
    this.line = parts.join('');
    return echo;
  }

  /** Ctrl-W as in a Unix tty: trailing blanks, then the word before them. */
  private eraseWord(): string {
    const blank = (g: string) => /^\s$/u.test(g);
    return this.eraseWhile(blank) + this.eraseWhile((g) => !blank(g));
  }
}

/** Moves back over `cells` cells, blanking them. */
function rubOut(cells: number): string {
  return '\b'.repeat(cells) + ' '.repeat(cells) + '\b'.repeat(cells);
}

function isControl(char: string): boolean {
  const code = char.codePointAt(0)!;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/**
 * Where the escape sequence starting at `start` ends (exclusive): CSI (ESC [ params final), SS3
 * (ESC O x) or ESC followed by one character (Alt+key). A lone ESC at the end is just ESC.
 */
export function escapeSequenceEnd(data: string, start: number): number {
  const next = data[start + 1];
  if (next === undefined) return start + 1;
  if (next === '[') {
    let i = start + 2;
    // Parameter and intermediate bytes (0x20–0x3F), then one final byte (0x40–0x7E).
    while (i < data.length && data.charCodeAt(i) >= 0x20 && data.charCodeAt(i) <= 0x3f) i++;
    return i < data.length && data.charCodeAt(i) >= 0x40 && data.charCodeAt(i) <= 0x7e ? i + 1 : i;
  }
  if (next === 'O') return Math.min(data.length, start + 3);
  return start + 1 + String.fromCodePoint(data.codePointAt(start + 1)!).length;
}
