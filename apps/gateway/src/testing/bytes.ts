/** Bytes from numbers (one byte each) and strings (Latin-1, one byte a character), for scripted hosts. */
export const bytes = (...parts: Array<number | string>): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.of(p))));
