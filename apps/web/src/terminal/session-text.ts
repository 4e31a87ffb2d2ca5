/**
 * The terminal's text as a file: every line of the buffer (scrollback and screen), as the user sees it.
 * Works on the shape of xterm.js's buffer only, so it is tested without a terminal.
 */

/** What is read of a buffer line (xterm.js's IBufferLine). */
export interface TextLine {
  /** A continuation of the line above, wrapped at the terminal's width. */
  readonly isWrapped: boolean;
  translateToString(trimRight?: boolean): string;
}

/** What is read of a buffer (xterm.js's IBuffer). */
export interface TextBuffer {
  readonly length: number;
  getLine(y: number): TextLine | undefined;
}

/**
 * The buffer's lines, trailing blanks trimmed, one per line break; a line the terminal wrapped at its
 * width is one line again. Blank lines at the end (the empty rows below the cursor) are left out.
 */
export function bufferText(buffer: TextBuffer): string {
  const lines: string[] = [];
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y);
    if (!line) continue;
    // A row continued on the next one keeps its trailing blanks: they are part of the wrapped line.
    const continued = buffer.getLine(y + 1)?.isWrapped ?? false;
    // xterm.js trims the cells nothing was written to; spaces the host wrote (after a prompt) go too.
    const text = continued ? line.translateToString(false) : line.translateToString(true).replace(/ +$/, '');
    if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `<target>-YYYYMMDD-HHMMSS.<extension>` in local time, the target reduced to letters, digits, dots,
 * hyphens and underscores (a file name on every system); `telgate` when nothing of it is left.
 */
export function sessionFileName(target: string, at: Date, extension: 'txt' | 'html'): string {
  const name =
    target
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 64) || 'telgate';
  const date = `${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}`;
  const time = `${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  return `${name}-${date}-${time}.${extension}`;
}
