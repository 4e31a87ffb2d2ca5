/**
 * Links in terminal output: only http, https and mailto may be opened. A host controls what it prints,
 * so a `javascript:` or `data:` link must never become clickable, and opened pages get no handle on
 * this one (noopener) nor learn its URL, which may carry an access token (noreferrer).
 */

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The link as a normalized URL if it may be opened, else undefined. */
export function safeLinkUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) return undefined;
  if (url.protocol === 'mailto:' && url.pathname.length === 0) return undefined;
  return url.href;
}

/** Opens a link from terminal output in a new tab, if it is safe to. Returns whether it did. */
export function openLink(text: string, open: typeof window.open = window.open.bind(window)): boolean {
  const url = safeLinkUrl(text);
  if (url === undefined) return false;
  open(url, '_blank', 'noopener,noreferrer');
  return true;
}

/**
 * mailto: links (the web-links addon only finds http and https). An address, optionally with
 * ?subject=… headers; punctuation that usually ends a sentence is not part of it.
 */
const MAILTO = /mailto:[^\s"'<>()[\]{}|\\^`]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?]+$/;

export interface TextLink {
  /** UTF-16 offsets into the searched text, end exclusive. */
  readonly start: number;
  readonly end: number;
  readonly url: string;
}

export function findMailtoLinks(text: string): TextLink[] {
  const links: TextLink[] = [];
  for (const match of text.matchAll(MAILTO)) {
    const raw = match[0].replace(TRAILING_PUNCTUATION, '');
    const url = safeLinkUrl(raw);
    if (url !== undefined && raw.includes('@')) {
      links.push({ start: match.index, end: match.index + raw.length, url: raw });
    }
  }
  return links;
}

/** One cell of a terminal row: its text and width (0 for the right half of a wide character). */
export interface RowCell {
  readonly chars: string;
  readonly width: number;
}

/**
 * A terminal row as text, with the column of each UTF-16 unit, so offsets found in the text map back
 * to cells even after wide characters or astral code points.
 */
export function rowText(cells: readonly RowCell[]): { text: string; columns: number[] } {
  let text = '';
  const columns: number[] = [];
  cells.forEach((cell, column) => {
    if (cell.width === 0) return;
    const chars = cell.chars || ' ';
    text += chars;
    for (let k = 0; k < chars.length; k++) columns.push(column);
  });
  return { text, columns };
}
