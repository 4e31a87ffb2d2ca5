import { Td } from './constants.js';

/** Events the display side produces. */
export type SupdupOutputEvent =
  /**
   * ANSI/VT bytes for xterm.js. Either a view into the chunk given to `receive()` (runs of plain text) or a
   * buffer the engine reuses after the handler returns: copy it to keep it.
   */
  | { type: 'output'; data: Uint8Array }
  /** The greeting ended: the first %TDNOP arrived; from here on 000–037 are graphics, not formatting (RFC 734). */
  | { type: 'greeting-done' }
  /** %TDBEL. The output also carries a BEL for xterm.js. */
  | { type: 'bell' }
  /** %TDORS: the server asks where the cursor is; the answer (034 020 v h) has been sent. */
  | { type: 'output-reset'; row: number; col: number }
  /** %TDQOT quoted a byte ≥ 0o200: a byte for an intelligent terminal, which xterm.js cannot show. */
  | { type: 'quoted'; byte: number }
  /** %TDGRF: the server started RFC 746 graphics, which are skipped up to the next %TD code. */
  | { type: 'graphics-skipped' }
  /** A byte ≥ 0o200 that is no known %TD code: ignored, as RFC 734 asks. */
  | { type: 'unknown-code'; code: number };

/** The Stanford/ITS graphics for 000–037 (RFC 734 "STANFORD/ITS CHARACTER SET"), as Unicode. */
const SAIL_GLYPHS = '·↓αβ∧¬επλγδ↑±⊕∞∂⊂⊃∩∪∀∃⊗↔←→≠◊≤≥≡∨';
/** 177 is the integral sign in the same set. */
const SAIL_RUBOUT_GLYPH = '∫';

export function sailGlyph(code: number): string {
  return code === 0o177 ? SAIL_RUBOUT_GLYPH : (SAIL_GLYPHS[code & 0o37] ?? '·');
}

/** The 7-bit code a SAIL glyph stands for, or undefined. */
export function sailCodeOf(char: string): number | undefined {
  if (char === SAIL_RUBOUT_GLYPH) return 0o177;
  const index = SAIL_GLYPHS.indexOf(char);
  return index < 0 || char.length !== 1 ? undefined : index;
}

const SAIL_GLYPH_BYTES: Uint8Array[] = Array.from({ length: 0o200 }, (_, code) =>
  utf8(code < 0o40 || code === 0o177 ? sailGlyph(code) : ''),
);

/** UTF-8 for a BMP string (no TextEncoder: this package sees neither DOM nor Node types). */
function utf8(text: string): Uint8Array {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    else bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
  }
  return Uint8Array.from(bytes);
}

/** How many argument bytes follow each %TD code (index = code − 0o200). Every other code takes none. */
const ARGUMENT_COUNT = new Uint8Array(0o200);
ARGUMENT_COUNT[Td.MOV - 0o200] = 4;
ARGUMENT_COUNT[Td.MV1 - 0o200] = 2;
ARGUMENT_COUNT[Td.MV0 - 0o200] = 2;
ARGUMENT_COUNT[Td.QOT - 0o200] = 1;
ARGUMENT_COUNT[Td.ILP - 0o200] = 1;
ARGUMENT_COUNT[Td.DLP - 0o200] = 1;
ARGUMENT_COUNT[Td.ICP - 0o200] = 1;
ARGUMENT_COUNT[Td.DCP - 0o200] = 1;
ARGUMENT_COUNT[Td.RSU - 0o200] = 2;
ARGUMENT_COUNT[Td.RSD - 0o200] = 2;

/** Argument bytes a %TD code can take: the accumulator is this big and never grows. */
export const MAX_ARGUMENTS = 4;

/** Escape sequences are gathered here and flushed at this size or at the end of a chunk. */
const PENDING_CAPACITY = 1024;

const STATE_TEXT = 0;
const STATE_ARGUMENTS = 1;
const STATE_GRAPHICS = 2;

type Handler = (display: SupdupDisplay, args: Uint8Array) => void;

/**
 * The user side's display: decodes the server's printing characters and %TD codes (RFC 734) into ANSI
 * for xterm.js, tracking the cursor through every code and every printed character.
 */
export class SupdupDisplay {
  readonly cols: number;
  readonly rows: number;
  private row = 0;
  /** May equal `cols` after the last column was written: the cursor "sticks" there (no auto-wrap). */
  private col = 0;
  private state = STATE_TEXT;
  private greeting = true;
  private code = 0;
  private readonly args = new Uint8Array(MAX_ARGUMENTS);
  private argsWanted = 0;
  private argsHave = 0;
  private readonly pending = new Uint8Array(PENDING_CAPACITY);
  private pendingLength = 0;
  /** RFC 749: "The %TDORS (output reset) code may not be sent in a SUPDUP-OUTPUT transmission." */
  private resetOutputAllowed = true;

  constructor(
    cols: number,
    rows: number,
    private readonly emit: (event: SupdupOutputEvent) => void,
    /** Called for %TDORS with the position to report; the client sends 034 020 v h. */
    private readonly answerOutputReset: (row: number, col: number) => void,
  ) {
    this.cols = cols;
    this.rows = rows;
  }

  get cursor(): { row: number; col: number } {
    return { row: this.row, col: this.col };
  }

  /** Tells the display where the terminal's cursor is, without drawing anything (clamped to the screen). */
  placeCursor(row: number, col: number): void {
    this.row = Number.isFinite(row) ? Math.min(Math.max(0, Math.floor(row)), this.rows - 1) : 0;
    this.col = Number.isFinite(col) ? Math.min(Math.max(0, Math.floor(col)), this.cols) : 0;
  }

  /**
   * Starts an RFC 749 SUPDUP-OUTPUT block: no greeting there, and the cursor is wherever the Telnet (NVT)
   * output left it, which only the caller's terminal knows.
   */
  beginOutputBlock(row: number, col: number): void {
    this.greeting = false;
    this.placeCursor(row, col);
    this.resetOutputAllowed = false;
  }

  /**
   * Ends an RFC 749 block: a %TD code cut short is dropped (RFC 749: none may be split across blocks), and
   * the cursor goes where the server says it ends up.
   */
  endOutputBlock(row: number, col: number): void {
    this.state = STATE_TEXT;
    this.resetOutputAllowed = true;
    this.moveTo(row, col);
    this.flush();
  }

  /** True until the first %TDNOP: the greeting is plain ASCII with CR and LF as formatting (RFC 734). */
  get inGreeting(): boolean {
    return this.greeting;
  }

  receive(chunk: Uint8Array): void {
    let index = 0;
    const length = chunk.length;
    while (index < length) {
      const byte = chunk[index]!;
      if (this.state === STATE_ARGUMENTS) {
        this.args[this.argsHave++] = byte;
        index++;
        if (this.argsHave === this.argsWanted) {
          this.state = STATE_TEXT;
          HANDLERS[this.code - 0o200]!(this, this.args);
        }
        continue;
      }
      if (this.state === STATE_GRAPHICS) {
        // Our rule, since SMARTS = 0 means no server should send RFC 746 graphics: bytes below 200 are
        // graphics and are skipped; the next byte ≥ 200 ends graphics mode and is taken as a %TD code.
        if (byte < 0o200) {
          index++;
          continue;
        }
        this.state = STATE_TEXT;
      }
      if (byte >= 0o40 && byte < 0o177) {
        // Fast path: a run of plain printing characters goes on as one view of the chunk.
        let end = index + 1;
        while (end < length) {
          const next = chunk[end]!;
          if (next < 0o40 || next >= 0o177) break;
          end++;
        }
        const room = Math.max(0, this.cols - this.col);
        const shown = Math.min(room, end - index);
        if (shown > 0) {
          this.flush();
          this.emit({ type: 'output', data: chunk.subarray(index, index + shown) });
          this.col += shown;
        }
        // Characters past the last column are dropped: the terminal must not auto-wrap (RFC 734, TCMXH).
        index = end;
        continue;
      }
      index++;
      if (byte < 0o200) {
        this.control(byte);
        continue;
      }
      const wanted = ARGUMENT_COUNT[byte - 0o200]!;
      this.code = byte;
      if (wanted > 0) {
        this.state = STATE_ARGUMENTS;
        this.argsWanted = wanted;
        this.argsHave = 0;
      } else {
        HANDLERS[byte - 0o200]!(this, this.args);
      }
    }
    this.flush();
  }

  /** 000–037 and 177: formatting in the greeting, Stanford/ITS graphics afterwards (RFC 734 p. 9, 12). */
  private control(byte: number): void {
    if (!this.greeting) {
      this.printGlyph(byte);
      return;
    }
    if (byte === 0o15) {
      this.col = 0;
      this.write('\r');
    } else if (byte === 0o12) {
      // LF on the bottom line scrolls in xterm.js, so the row stays.
      this.row = Math.min(this.row + 1, this.rows - 1);
      this.write('\n');
    } else if (byte === 0o7) {
      this.bell();
    }
    // Other control characters have no place in an ASCII greeting and are dropped.
  }

  printGlyph(byte: number): void {
    if (this.col >= this.cols) return;
    this.writeBytes(SAIL_GLYPH_BYTES[byte & 0o177]!);
    this.col++;
  }

  // ---- operations the handlers use ----

  moveTo(row: number, col: number): void {
    // Out-of-range coordinates are clamped to the screen, so the tracked cursor is always on it.
    this.row = Math.min(row, this.rows - 1);
    this.col = Math.min(col, this.cols - 1);
    this.writeCursor();
  }

  /** Repositions xterm.js at the tracked cursor (after operations that move its cursor on their own). */
  writeCursor(): void {
    this.write(`\x1b[${this.row + 1};${Math.min(this.col, this.cols - 1) + 1}H`);
  }

  eraseToEndOfLine(): void {
    if (this.col < this.cols) this.write('\x1b[K');
  }

  eraseToEndOfScreen(): void {
    if (this.col < this.cols) {
      this.write('\x1b[J');
    } else if (this.row < this.rows - 1) {
      // Stuck past the last column: nothing to erase on this line, only the lines below.
      this.write(`\x1b[${this.row + 2};1H\x1b[J`);
      this.writeCursor();
    }
  }

  eraseCharacter(): void {
    if (this.col < this.cols) this.write('\x1b[X');
  }

  crlf(): void {
    this.col = 0;
    if (this.row < this.rows - 1) {
      this.row++;
      this.writeCursor();
      this.write('\x1b[K');
    } else {
      // Bottom line: scroll up (TTYROL = 1); the new bottom line comes in blank.
      this.write('\r\n\x1b[K');
    }
  }

  endGreeting(): void {
    if (!this.greeting) return;
    this.greeting = false;
    this.signal({ type: 'greeting-done' });
  }

  outputReset(): void {
    if (!this.resetOutputAllowed) {
      this.unknown(0o214);
      return;
    }
    const col = Math.min(this.col, this.cols - 1);
    this.signal({ type: 'output-reset', row: this.row, col });
    this.answerOutputReset(this.row, col);
  }

  quote(byte: number): void {
    if (byte >= 0o40 && byte < 0o177) {
      if (this.col < this.cols) {
        this.writeBytes(Uint8Array.of(byte));
        this.col++;
      }
    } else if (byte < 0o200) {
      this.printGlyph(byte);
    } else {
      this.signal({ type: 'quoted', byte });
    }
  }

  forwardSpace(): void {
    if (this.col < this.cols - 1) this.moveTo(this.row, this.col + 1);
  }

  backspace(): void {
    this.moveTo(this.row, Math.max(0, Math.min(this.col, this.cols) - 1));
  }

  lineFeed(): void {
    this.moveTo(Math.min(this.row + 1, this.rows - 1), this.col);
  }

  carriageReturn(): void {
    this.moveTo(this.row, 0);
  }

  clearScreen(): void {
    this.row = 0;
    this.col = 0;
    this.write('\x1b[H\x1b[2J');
  }

  bell(): void {
    this.write('\x07');
    this.signal({ type: 'bell' });
  }

  insertLines(count: number): void {
    const lines = Math.min(count, this.rows - this.row);
    if (lines === 0) return;
    // xterm.js puts the cursor at the left margin after IL/DL; RFC 734 says the cursor is unmoved.
    this.write(`\x1b[${lines}L`);
    this.writeCursor();
  }

  deleteLines(count: number): void {
    const lines = Math.min(count, this.rows - this.row);
    if (lines === 0) return;
    this.write(`\x1b[${lines}M`);
    this.writeCursor();
  }

  insertCharacters(count: number): void {
    const chars = Math.min(count, this.cols - this.col);
    if (chars > 0) this.write(`\x1b[${chars}@`);
  }

  deleteCharacters(count: number): void {
    const chars = Math.min(count, this.cols - this.col);
    if (chars > 0) this.write(`\x1b[${chars}P`);
  }

  /** Scrolls the `lines` lines from the cursor line down by `count` (up when `up`), via a scroll region. */
  scrollRegion(lines: number, count: number, up: boolean): void {
    const bottom = Math.min(this.row + lines, this.rows);
    const amount = Math.min(count, bottom - this.row);
    if (amount === 0) return;
    // DECSTBM homes the cursor; the full-screen region is restored and the cursor put back.
    this.write(`\x1b[${this.row + 1};${bottom}r\x1b[${amount}${up ? 'S' : 'T'}\x1b[r`);
    this.writeCursor();
  }

  setInverse(on: boolean): void {
    this.write(on ? '\x1b[7m' : '\x1b[m');
  }

  startGraphics(): void {
    this.state = STATE_GRAPHICS;
    this.signal({ type: 'graphics-skipped' });
  }

  unknown(code: number): void {
    this.signal({ type: 'unknown-code', code });
  }

  // ---- output buffer ----

  /** Output written so far goes first, so events sit at the same place in the output whatever the chunking. */
  private signal(event: SupdupOutputEvent): void {
    this.flush();
    this.emit(event);
  }

  private write(ascii: string): void {
    if (this.pendingLength + ascii.length > PENDING_CAPACITY) this.flush();
    for (let index = 0; index < ascii.length; index++) {
      this.pending[this.pendingLength++] = ascii.charCodeAt(index);
    }
  }

  private writeBytes(bytes: Uint8Array): void {
    if (this.pendingLength + bytes.length > PENDING_CAPACITY) this.flush();
    this.pending.set(bytes, this.pendingLength);
    this.pendingLength += bytes.length;
  }

  private flush(): void {
    if (this.pendingLength === 0) return;
    const data = this.pending.subarray(0, this.pendingLength);
    this.pendingLength = 0;
    this.emit({ type: 'output', data });
  }
}

/** One handler per %TD code (index = code − 0o200); codes not listed are unknown and ignored. */
const HANDLERS: Handler[] = Array.from({ length: 0o200 }, (_, index): Handler => {
  const code = index + 0o200;
  return (display) => display.unknown(code);
});

function on(code: number, handler: Handler): void {
  HANDLERS[code - 0o200] = handler;
}

// %TDMOV: the old position (first two bytes) may be ignored on a display (RFC 734).
on(Td.MOV, (d, a) => d.moveTo(a[2]!, a[3]!));
on(Td.MV1, (d, a) => d.moveTo(a[0]!, a[1]!));
on(Td.MV0, (d, a) => d.moveTo(a[0]!, a[1]!));
on(Td.EOF, (d) => d.eraseToEndOfScreen());
on(Td.EOL, (d) => d.eraseToEndOfLine());
on(Td.DLF, (d) => d.eraseCharacter());
on(Td.MTF, () => {});
on(Td.MTN, () => {});
on(Td.CRL, (d) => d.crlf());
on(Td.NOP, (d) => d.endGreeting());
on(Td.BS, (d) => d.backspace());
on(Td.LF, (d) => d.lineFeed());
on(Td.RCR, (d) => d.carriageReturn());
on(Td.ORS, (d) => d.outputReset());
on(Td.QOT, (d, a) => d.quote(a[0]!));
on(Td.FS, (d) => d.forwardSpace());
on(Td.CLR, (d) => d.clearScreen());
on(Td.BEL, (d) => d.bell());
on(Td.INI, (d) => d.setInverse(false));
on(Td.ILP, (d, a) => d.insertLines(a[0]!));
on(Td.DLP, (d, a) => d.deleteLines(a[0]!));
on(Td.ICP, (d, a) => d.insertCharacters(a[0]!));
on(Td.DCP, (d, a) => d.deleteCharacters(a[0]!));
on(Td.BOW, (d) => d.setInverse(true));
on(Td.RST, (d) => d.setInverse(false));
on(Td.GRF, (d) => d.startGraphics());
on(Td.RSU, (d, a) => d.scrollRegion(a[0]!, a[1]!, true));
on(Td.RSD, (d, a) => d.scrollRegion(a[0]!, a[1]!, false));
