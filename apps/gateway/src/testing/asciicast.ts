/** A parsed asciicast v2 file. */
export interface Asciicast {
  readonly header: {
    readonly version: 2;
    readonly width: number;
    readonly height: number;
    readonly timestamp?: number;
    readonly title?: string;
    readonly env?: { readonly TERM?: string; readonly SHELL?: string };
  };
  readonly events: ReadonlyArray<readonly [number, 'o' | 'i' | 'r' | 'm', string]>;
}

const HEADER_KEYS = new Set([
  'version',
  'width',
  'height',
  'timestamp',
  'duration',
  'idle_time_limit',
  'command',
  'title',
  'env',
  'theme',
]);

/**
 * Parses `text` as asciicast v2 strictly (https://docs.asciinema.org/manual/asciicast/v2/): a header
 * object with version 2 and positive integer width/height (and only the keys the format defines), then
 * one event per line, `[time, code, data]` with non-decreasing times, a known code and string data;
 * `r` data is `COLSxROWS`. Throws on the first violation, naming its line.
 */
export function parseAsciicast(text: string): Asciicast {
  if (!text.endsWith('\n')) throw new Error('the file does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  const header = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new Error('line 1: the header is not an object');
  }
  for (const key of Object.keys(header)) {
    if (!HEADER_KEYS.has(key)) throw new Error(`line 1: unknown header key ${key}`);
  }
  if (header.version !== 2) throw new Error('line 1: version is not 2');
  for (const key of ['width', 'height']) {
    const value = header[key];
    if (!Number.isInteger(value) || (value as number) <= 0) {
      throw new Error(`line 1: ${key} is not a positive integer`);
    }
  }
  if (header.timestamp !== undefined && !Number.isInteger(header.timestamp)) {
    throw new Error('line 1: timestamp is not an integer');
  }
  const env = header.env as Record<string, unknown> | undefined;
  if (env !== undefined) {
    if (typeof env !== 'object' || env === null) throw new Error('line 1: env is not an object');
    for (const [key, value] of Object.entries(env)) {
      if (typeof value !== 'string') throw new Error(`line 1: env.${key} is not a string`);
    }
  }
  const events: Array<readonly [number, 'o' | 'i' | 'r' | 'm', string]> = [];
  let last = 0;
  lines.slice(1).forEach((line, index) => {
    const where = `line ${index + 2}`;
    const event = JSON.parse(line) as unknown;
    if (!Array.isArray(event) || event.length !== 3) throw new Error(`${where}: not a 3-element array`);
    const [time, code, data] = event as [unknown, unknown, unknown];
    if (typeof time !== 'number' || !Number.isFinite(time) || time < 0) {
      throw new Error(`${where}: time is not a non-negative number`);
    }
    if (time < last) throw new Error(`${where}: time goes back (${time} < ${last})`);
    last = time;
    if (code !== 'o' && code !== 'i' && code !== 'r' && code !== 'm') {
      throw new Error(`${where}: unknown event code ${String(code)}`);
    }
    if (typeof data !== 'string') throw new Error(`${where}: data is not a string`);
    if (code === 'r' && !/^\d+x\d+$/.test(data)) throw new Error(`${where}: resize data is not COLSxROWS`);
    events.push([time, code, data]);
  });
  return { header: header as unknown as Asciicast['header'], events };
}

/** The output of a recording, concatenated. */
export function castOutput(cast: Asciicast): string {
  return cast.events
    .filter(([, code]) => code === 'o')
    .map(([, , data]) => data)
    .join('');
}
