/**
 * How many terminal cells a grapheme takes, for erasing locally echoed text. A close approximation of
 * the Unicode 11 widths the terminal uses: East Asian wide and fullwidth characters and emoji take
 * two cells, combining marks and format characters none, everything else one.
 */

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const EMOJI_PRESENTATION = /^\p{Emoji_Presentation}$/u;

/** East Asian Wide and Fullwidth blocks (UAX #11), as [first, last] code points. */
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo initial consonants
  [0x2e80, 0x303e], // CJK radicals, Kangxi, CJK symbols and punctuation
  [0x3041, 0x33ff], // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, CJK compatibility
  [0x3400, 0x4dbf], // CJK extension A
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xa000, 0xa4cf], // Yi
  [0xa960, 0xa97f], // Hangul Jamo extended A
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6], // fullwidth signs
  [0x16fe0, 0x16fe4],
  [0x17000, 0x18aff], // Tangut
  [0x1b000, 0x1b2ff], // Kana supplement and extended, Nushu
  [0x20000, 0x2fffd], // CJK extensions B–F
  [0x30000, 0x3fffd], // CJK extension G
];

function isWide(codePoint: number): boolean {
  for (const [first, last] of WIDE_RANGES) {
    if (codePoint < first) return false; // the ranges are sorted
    if (codePoint <= last) return true;
  }
  return false;
}

/** Cells taken by one code point: 0, 1 or 2. */
export function codePointWidth(codePoint: number): 0 | 1 | 2 {
  const char = String.fromCodePoint(codePoint);
  if (ZERO_WIDTH.test(char)) return 0;
  if (isWide(codePoint) || EMOJI_PRESENTATION.test(char)) return 2;
  return 1;
}

/** Cells taken by a grapheme (a user-perceived character, possibly several code points). */
export function graphemeWidth(grapheme: string): number {
  let width = 0;
  for (const char of grapheme) width = Math.max(width, codePointWidth(char.codePointAt(0)!));
  return width;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Splits text into graphemes, so "e" + combining acute or a flag emoji count as one. */
export function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (segment) => segment.segment);
}
