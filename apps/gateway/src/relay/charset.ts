import iconv from 'iconv-lite';

/** Turns a host's bytes into UTF-8 for the terminal, keeping multi-byte characters split across chunks. */
export type HostDecoder = (bytes: Uint8Array) => Uint8Array;
/** Turns UTF-8 typed in the browser into the host's charset. */
export type HostEncoder = (utf8: Uint8Array) => Uint8Array;

export function isUtf8(charset: string): boolean {
  return /^utf-?8$/i.test(charset);
}

/**
 * CP437 as a PC's screen shows it (BBS mode): the control bytes a terminal does not act on are drawn
 * as the glyphs of the PC's character ROM (0x01 ☺ … 0x1F ▼, 0x7F ⌂). NUL, BEL, BS, HT, LF, VT, FF, CR
 * and ESC keep their effect, so ANSI art (escape sequences, line ends) still works.
 */
export const CP437_GLYPHS = 'CP437-glyphs';

export function isCp437Glyphs(charset: string): boolean {
  return /^cp437-glyphs$/i.test(charset);
}

/** The glyphs of bytes 0x00–0x1F on a PC; the acted-on ones are left as the control they are. */
const PC_CONTROL_GLYPHS = '\0☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼';
/** NUL, BEL, BS, HT, LF, VT, FF, CR and ESC: a terminal acts on these, so they stay controls. */
const ACTED_ON = new Set([0x00, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b]);

/** What byte `b` (0x00–0x1F or 0x7F) shows as in BBS mode: a glyph, or undefined for an acted-on control. */
export function pcControlGlyph(b: number): string | undefined {
  if (b === 0x7f) return '⌂';
  if (b >= 0x20 || ACTED_ON.has(b)) return undefined;
  return PC_CONTROL_GLYPHS[b];
}

/**
 * Bytes an NVT stream must carry as themselves (BEL, BS, HT, LF, CR, ESC and printable ASCII).
 * Encodings that remap them (UTF-16, base64, UTF-7…) cannot frame a Telnet session.
 */
const NVT_BYTES = Buffer.from([
  0x07,
  0x08,
  0x09,
  0x0a,
  0x0d,
  0x1b,
  ...Array.from({ length: 95 }, (_, i) => 0x20 + i),
]);

/** Why `charset` cannot be a host's charset, or undefined when it can. */
export function charsetProblem(charset: string): string | undefined {
  if (isCp437Glyphs(charset)) return undefined;
  if (charset.length === 0 || charset.length > 40 || !iconv.encodingExists(charset)) {
    return `"${charset}" is not a known character set (e.g. UTF-8, CP437, ISO-8859-1, CP866, KOI8-R, GBK, Big5, Shift_JIS, EUC-KR)`;
  }
  if (iconv.decode(NVT_BYTES, charset) !== NVT_BYTES.toString('latin1')) {
    return `"${charset}" does not keep ASCII as it is, so it cannot carry a Telnet session`;
  }
  return undefined;
}

/**
 * For a single-byte charset (CP437, ISO-8859-x, KOI8-R…): the UTF-8 of each of the 256 bytes, four
 * bytes a slot, and its length. Undefined when some byte does not stand for one character on its own
 * (multi-byte charsets such as GBK or Shift_JIS).
 */
function singleByteTable(charset: string): { utf8: Uint8Array; lengths: Uint8Array } | undefined {
  if (isCp437Glyphs(charset)) return glyphTable();
  const whole = [...iconv.decode(Buffer.from(Array.from({ length: 256 }, (_, k) => k)), charset)];
  if (whole.length !== 256) return undefined;
  const utf8 = new Uint8Array(256 * 4);
  const lengths = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    const alone = iconv.decode(Buffer.of(b), charset);
    if (alone !== whole[b]) return undefined;
    const encoded = Buffer.from(alone, 'utf8');
    if (encoded.length > 3) return undefined;
    utf8.set(encoded, b * 4);
    lengths[b] = encoded.length;
  }
  return { utf8, lengths };
}

/** CP437's table with the PC glyphs in place of the controls a terminal does not act on. */
function glyphTable(): { utf8: Uint8Array; lengths: Uint8Array } {
  const table = singleByteTable('CP437')!;
  for (const b of [...Array.from({ length: 0x20 }, (_, k) => k), 0x7f]) {
    const glyph = pcControlGlyph(b);
    if (glyph === undefined) continue;
    const encoded = Buffer.from(glyph, 'utf8');
    table.utf8.set(encoded, b * 4);
    table.lengths[b] = encoded.length;
  }
  return table;
}

/**
 * UTF-8 hosts pass through untouched (xterm.js decodes UTF-8 itself, across writes), so the hot path does
 * no work. Single-byte charsets are turned into UTF-8 byte by byte from a table (one pass, no string in
 * between); other charsets go through a streaming iconv-lite decoder.
 */
export function createHostDecoder(charset: string): HostDecoder {
  if (isUtf8(charset)) return (bytes) => bytes;
  const table = singleByteTable(charset);
  return table ? tableDecoder(table) : streamingDecoder(iconv.getDecoder(charset));
}

type IconvDecoder = ReturnType<typeof iconv.getDecoder>;

function streamingDecoder(decoder: IconvDecoder): HostDecoder {
  return (bytes) =>
    Buffer.from(decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)), 'utf8');
}

function tableDecoder(table: { utf8: Uint8Array; lengths: Uint8Array }): HostDecoder {
  const { utf8, lengths } = table;
  const asciiAsIs = lengths.subarray(0, 0x80).every((n, b) => n === 1 && utf8[b * 4] === b);
  return (bytes) => {
    // At most three UTF-8 bytes a character (every single-byte charset stays in the BMP).
    const out = Buffer.allocUnsafe(bytes.length * 3);
    const n = bytes.length;
    let o = 0;
    let k = 0;
    // Runs of ASCII, which most charsets keep as is, are found four bytes at a time and copied at once.
    // Output parts are views of a chunk at any offset: the words start at the first aligned byte.
    const head = (4 - (bytes.byteOffset & 3)) & 3;
    const words =
      asciiAsIs && n > head
        ? new Int32Array(bytes.buffer, bytes.byteOffset + head, (n - head) >> 2)
        : undefined;
    while (k < n) {
      if (words !== undefined && k >= head && ((k - head) & 3) === 0) {
        let w = (k - head) >> 2;
        while (w < words.length && (words[w]! & 0x80808080) === 0) w++;
        const end = head + (w << 2);
        if (end > k) {
          out.set(bytes.subarray(k, end), o);
          o += end - k;
          k = end;
          if (k >= n) break;
        }
      }
      const b = bytes[k++]!;
      const at = b * 4;
      const length = lengths[b]!;
      out[o++] = utf8[at]!;
      if (length > 1) {
        out[o++] = utf8[at + 1]!;
        if (length > 2) out[o++] = utf8[at + 2]!;
      }
    }
    return out.subarray(0, o);
  };
}

export function createHostEncoder(charset: string): HostEncoder {
  if (isUtf8(charset)) return (utf8) => utf8;
  const name = isCp437Glyphs(charset) ? 'CP437' : charset;
  return (utf8) =>
    iconv.encode(Buffer.from(utf8.buffer, utf8.byteOffset, utf8.length).toString('utf8'), name);
}

function sameCharset(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase() || (isUtf8(a) && isUtf8(b));
}

/** What a multi-byte character cut short by a charset switch becomes: U+FFFD. */
const REPLACEMENT = Buffer.from('\ufffd', 'utf8');

/**
 * How many bytes at the end of `bytes` begin a UTF-8 character that is not complete yet (0 to 3).
 */
function incompleteUtf8Tail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * A session's charset, which the user can switch while it runs. `decode` and `encode` always use the
 * current one. At a switch, a character the old charset had begun and not finished is ended as
 * U+FFFD, sent before anything decoded with the new charset, so no byte of one charset is read as part
 * of a character of the other.
 */
export class HostCharset {
  private current: string;
  private decoder: HostDecoder;
  private encoder: HostEncoder;
  /** Iconv's streaming decoder, when the charset has one: its held bytes are flushed at a switch. */
  private streaming: IconvDecoder | undefined;
  /** UTF-8 passes through as is: the last bytes passed on, to tell whether they ended mid-character. */
  private lastUtf8: Uint8Array | undefined;
  /** What the old charset left, sent before the next output. */
  private carry: Uint8Array | undefined;

  constructor(charset: string) {
    this.current = charset;
    this.decoder = this.createDecoder(charset);
    this.encoder = createHostEncoder(charset);
  }

  get name(): string {
    return this.current;
  }

  readonly decode: HostDecoder = (bytes) => {
    const utf8 = this.decoder(bytes);
    const carry = this.carry;
    if (carry === undefined) return utf8;
    this.carry = undefined;
    return Buffer.concat([carry, utf8]);
  };

  readonly encode: HostEncoder = (utf8) => this.encoder(utf8);

  /** Decodes and encodes with `charset` from now on (checked by the caller with charsetProblem). */
  switchTo(charset: string): void {
    if (sameCharset(charset, this.current)) {
      this.current = charset;
      return;
    }
    const left = this.flush();
    if (left.length > 0) this.carry = this.carry ? Buffer.concat([this.carry, left]) : left;
    this.current = charset;
    this.decoder = this.createDecoder(charset);
    this.encoder = createHostEncoder(charset);
  }

  /** What the current decoder holds of a character not yet complete, ended now. */
  private flush(): Uint8Array {
    if (this.streaming) {
      const rest = this.streaming.end() ?? '';
      return rest ? Buffer.from(rest, 'utf8') : new Uint8Array(0);
    }
    // The terminal decodes UTF-8 itself and holds the beginning of the character: U+FFFD after it
    // ends that character in the terminal's decoder (as an invalid sequence) and shows one mark.
    if (this.lastUtf8 && incompleteUtf8Tail(this.lastUtf8) > 0) return REPLACEMENT;
    return new Uint8Array(0);
  }

  private createDecoder(charset: string): HostDecoder {
    this.streaming = undefined;
    this.lastUtf8 = undefined;
    if (isUtf8(charset)) {
      return (bytes) => {
        if (bytes.length > 0) this.lastUtf8 = bytes;
        return bytes;
      };
    }
    const table = singleByteTable(charset);
    if (table) return tableDecoder(table);
    this.streaming = iconv.getDecoder(charset);
    return streamingDecoder(this.streaming);
  }
}
