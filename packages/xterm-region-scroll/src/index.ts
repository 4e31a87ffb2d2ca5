/**
 * Scrolling inside a scroll region (DECSTBM: a status line above a log, a pager, an editor, a MUD client)
 * without a new line per scrolled row.
 *
 * xterm.js (6.0, and the 6.1 betas) reuses the line that leaves the buffer when the whole screen scrolls
 * with a full scrollback, but allocates a fresh line (a typed array of 3 words per column) for every row
 * scrolled inside a region, and the line that leaves the region becomes garbage. Measured in Node on a log
 * scrolling below a status line, the headless terminal parses 19–27 MiB/s that way against 58–86 MiB/s for
 * the same lines scrolling the whole screen; with the line that leaves the region reused for the new
 * bottom row, 67 MiB/s, and with the region's rows moved in one pass over the ring's array, 8–9 % more. The screen state's parse rate is how fast a session can be read during a flood
 * (the host is not read ahead of it), so it bounds how soon a keystroke's echo shows.
 *
 * This replaces the buffer service's `scroll` for the region case only, doing what xterm.js does with
 * the one allocation taken out; the whole-screen case is xterm.js's own. It relies on xterm.js internals,
 * so it checks each one it uses and leaves the terminal as it is when one is missing (index.test.ts
 * fails then, so an upgrade that changes them is noticed).
 */

interface Line {
  readonly length: number;
  isWrapped: boolean;
  getFg(index: number): number;
  getBg(index: number): number;
  copyFrom(line: Line): void;
}

interface EraseAttributes {
  readonly fg: number;
  readonly bg: number;
}

interface Lines {
  get(index: number): Line | undefined;
}

/** xterm.js's CircularList: the lines in `_array`, the first at `_startIndex`, wrapping at `_maxLength`. */
interface CircularLines extends Lines {
  readonly _array: Line[];
  readonly _startIndex: number;
  readonly _maxLength: number;
  readonly _length: number;
}

function isCircular(lines: Lines): lines is CircularLines {
  const list = lines as Partial<CircularLines>;
  return (
    Array.isArray(list._array) &&
    typeof list._startIndex === 'number' &&
    typeof list._maxLength === 'number' &&
    typeof list._length === 'number'
  );
}

/**
 * Moves lines `start + 1 … start + count` up by one and puts `last` at `start + count`: one pass over
 * the ring's array (xterm.js's `shiftElements` computes two cyclic indexes per line through `get` and
 * `set`; this is 9 % faster on the whole parse of a flood below a status line).
 */
function shiftUpOne(lines: CircularLines, start: number, count: number, last: Line): void {
  const array = lines._array;
  const max = lines._maxLength;
  let to = (lines._startIndex + start) % max;
  for (let i = 0; i < count; i++) {
    const from = to + 1 === max ? 0 : to + 1;
    array[to] = array[from] as Line;
    to = from;
  }
  array[to] = last;
}

interface Buffer {
  readonly scrollTop: number;
  readonly scrollBottom: number;
  readonly ybase: number;
  ydisp: number;
  readonly lines: Lines;
  getBlankLine(attributes: EraseAttributes, isWrapped?: boolean): Line;
}

interface BufferService {
  readonly buffer: Buffer;
  readonly cols: number;
  isUserScrolling: boolean;
  _cachedBlankLine: Line | undefined;
  readonly _onScroll: { fire(ydisp: number): void };
  scroll(eraseAttributes: EraseAttributes, isWrapped?: boolean): void;
}

const isFunction = (value: unknown): value is (...args: never[]) => unknown => typeof value === 'function';

function bufferServiceOf(terminal: object): BufferService | undefined {
  const service = (terminal as { _core?: { _bufferService?: Partial<BufferService> } })._core?._bufferService;
  const buffer = service?.buffer;
  if (
    !service ||
    !buffer ||
    !isFunction(service.scroll) ||
    !isFunction(service._onScroll?.fire) ||
    typeof service.cols !== 'number' ||
    typeof service.isUserScrolling !== 'boolean' ||
    typeof buffer.scrollTop !== 'number' ||
    typeof buffer.scrollBottom !== 'number' ||
    typeof buffer.ybase !== 'number' ||
    !isFunction(buffer.getBlankLine) ||
    !isFunction(buffer.lines?.get) ||
    !isCircular(buffer.lines) ||
    !isFunction(buffer.lines.get(0)?.copyFrom)
  ) {
    return undefined;
  }
  return service as BufferService;
}

/** Makes `terminal` (an xterm.js Terminal, headless or not) reuse lines when it scrolls a region; false if it cannot. */
export function reuseLinesInRegionScroll(terminal: object): boolean {
  const service = bufferServiceOf(terminal);
  if (!service) return false;
  const xtermScroll = service.scroll.bind(service);
  service.scroll = function scroll(this: BufferService, eraseAttributes, isWrapped = false): void {
    // Buffers swap (normal, alternate): read the active one each time.
    const buffer = this.buffer;
    const top = buffer.ybase + buffer.scrollTop;
    const bottom = buffer.ybase + buffer.scrollBottom;
    // The row that leaves the region is lost (nothing above a region goes to the scrollback): it
    // becomes the new blank bottom row.
    const lines = buffer.lines;
    const leaving = buffer.scrollTop === 0 ? undefined : lines.get(top);
    if (!leaving || !isCircular(lines)) {
      xtermScroll(eraseAttributes, isWrapped);
      return;
    }
    let blank = this._cachedBlankLine;
    if (
      !blank ||
      blank.length !== this.cols ||
      blank.getFg(0) !== eraseAttributes.fg ||
      blank.getBg(0) !== eraseAttributes.bg
    ) {
      blank = buffer.getBlankLine(eraseAttributes, isWrapped);
      this._cachedBlankLine = blank;
    }
    blank.isWrapped = isWrapped;
    leaving.copyFrom(blank);
    shiftUpOne(lines, top, bottom - top, leaving);
    if (!this.isUserScrolling) buffer.ydisp = buffer.ybase;
    this._onScroll.fire(buffer.ydisp);
  };
  return true;
}
