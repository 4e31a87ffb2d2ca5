const IAC = 255;

/** Doubles every 0xFF (IAC IAC), for data and subnegotiation payloads. */
export function escapeIac(data: ArrayLike<number>): Uint8Array {
  let count = 0;
  for (let k = 0; k < data.length; k++) if (data[k] === IAC) count++;
  const out = new Uint8Array(data.length + count);
  let o = 0;
  for (let k = 0; k < data.length; k++) {
    const b = data[k]! & 0xff;
    out[o++] = b;
    if (b === IAC) out[o++] = IAC;
  }
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Latin-1 bytes of a string (option payloads are ASCII; anything above 0xFF is replaced by '?'). */
export function asciiBytes(text: string): number[] {
  const out: number[] = [];
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    out.push(c <= 0xff ? c : 0x3f);
  }
  return out;
}

/** Latin-1 string of bytes[from..to). */
export function asciiString(bytes: Uint8Array, from = 0, to = bytes.length): string {
  let s = '';
  for (let k = from; k < to; k++) s += String.fromCharCode(bytes[k]!);
  return s;
}
