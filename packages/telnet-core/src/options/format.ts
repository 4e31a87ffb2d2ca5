import { asciiString } from '../bytes.js';

/** A string as a JSON literal, as traces show text. */
export function quoted(text: string): string {
  return JSON.stringify(text);
}

/** Printable ASCII as a quoted string, anything else as hex bytes. */
export function bytesText(data: Uint8Array): string {
  const printable = data.length > 0 && data.every((b) => b >= 0x20 && b < 0x7f);
  if (printable) return quoted(asciiString(data));
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * A payload whose first byte is a subcommand: its name, then the rest shown by `rest` (text or hex by
 * default). A first byte without a name: the whole payload as text or hex.
 */
export function describeSubcommand(
  names: readonly string[] | undefined,
  data: Uint8Array,
  rest: (rest: Uint8Array, sub: string) => string = bytesText,
): string {
  const sub = names?.[data[0]!];
  if (!sub) return bytesText(data);
  const tail = data.subarray(1);
  return tail.length > 0 ? `${sub} ${rest(tail, sub)}` : sub;
}
