import { createSupdupClient, type SupdupClientOptions, type SupdupEvent } from '../src/index.js';

/** One recorded event, with bytes copied (the engine reuses its output buffer) and adjacent outputs merged. */
export type Recorded =
  | { type: 'output'; text: string }
  | { type: 'send'; bytes: number[] }
  | Exclude<SupdupEvent, { type: 'output' } | { type: 'send' }>;

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

export function recorder(): { events: Recorded[]; handler: (event: SupdupEvent) => void } {
  const events: Recorded[] = [];
  return {
    events,
    handler(event) {
      if (event.type === 'output') {
        const last = events[events.length - 1];
        if (last?.type === 'output') last.text += latin1(event.data);
        else events.push({ type: 'output', text: latin1(event.data) });
      } else if (event.type === 'send') {
        events.push({ type: 'send', bytes: [...event.data] });
      } else {
        events.push(event);
      }
    },
  };
}

/** Feeds `chunks` to a fresh client (greeting already over when `afterGreeting`) and returns what it did. */
export function run(
  chunks: Uint8Array[],
  options: Partial<SupdupClientOptions> & { afterGreeting?: boolean } = {},
): { events: Recorded[]; output: string; cursor: { row: number; col: number } } {
  const { afterGreeting = true, ...rest } = options;
  const { events, handler } = recorder();
  const client = createSupdupClient({ cols: 80, rows: 24, ...rest }, handler);
  if (afterGreeting) client.receive(Uint8Array.of(0o210));
  events.length = 0;
  for (const chunk of chunks) client.receive(chunk);
  const output = events
    .filter((event) => event.type === 'output')
    .map((event) => event.text)
    .join('');
  return { events, output, cursor: client.cursor };
}

/** Bytes from strings (latin1) and numbers. */
export function bytes(...parts: Array<string | number>): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'number') out.push(part);
    else for (const char of part) out.push(char.charCodeAt(0));
  }
  return Uint8Array.from(out);
}

/** `input` cut at the given offsets. */
export function splitAt(input: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => Math.max(0, Math.min(input.length, cut))))].sort(
    (a, b) => a - b,
  );
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(input.subarray(start, point));
    start = point;
  }
  chunks.push(input.subarray(start));
  return chunks;
}
