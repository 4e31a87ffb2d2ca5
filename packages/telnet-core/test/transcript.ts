/**
 * Golden transcripts: a small text format holding a script of steps against one engine and the exact event
 * log it must produce.
 *
 *   # title and notes
 *   rule: RFC 1143 §7
 *   options: {"start": "passive"}
 *   ---
 *   > in IAC WILL SGA "text\r\n" ff
 *   trace in WILL SGA
 *   ...
 *   > call setWindowSize 80 24
 *   ...
 *
 * `> in` tokens: quoted strings (JSON escapes, \xNN), lowercase two-digit hex bytes, UPPERCASE command names;
 * after WILL/WONT/DO/DONT/SB an UPPERCASE option name; after SB <option>, that option's subnegotiation words as its
 * handler names them (IS, SEND, VAR, REQUEST, TTABLE_IS…). `> call METHOD ARGS…` calls an engine method;
 * quoted-string arguments become bytes for the send methods.
 */
import {
  Cmd,
  describeCommand,
  optionCode,
  optionName,
  TelnetEngine,
  type TelnetEngineOptions,
  type TelnetEvent,
} from '../src/index.js';
import { subnegotiationWords } from '../src/options/registry.js';

export interface Transcript {
  title: string;
  rule: string;
  options: TelnetEngineOptions;
  steps: Step[];
  expected: string[];
}

export type Step =
  | { kind: 'in'; text: string; bytes: Uint8Array }
  | { kind: 'call'; text: string; method: string; args: unknown[] };

const COMMANDS = Cmd as Record<string, number>;
/** Splits a line into tokens, keeping quoted strings whole. */
function tokenize(line: string): string[] {
  const tokens: string[] = [];
  const re = /"(?:[^"\\]|\\.)*"|\S+/g;
  for (const m of line.matchAll(re)) tokens.push(m[0]);
  return tokens;
}

function parseQuoted(token: string): Uint8Array {
  const inner = token.slice(1, -1);
  const out: number[] = [];
  for (let k = 0; k < inner.length; k++) {
    const c = inner[k]!;
    if (c !== '\\') {
      out.push(c.charCodeAt(0));
      continue;
    }
    const e = inner[++k];
    if (e === 'x') {
      out.push(Number.parseInt(inner.slice(k + 1, k + 3), 16));
      k += 2;
    } else if (e === 'r') out.push(13);
    else if (e === 'n') out.push(10);
    else if (e === 't') out.push(9);
    else if (e === '0') out.push(0);
    else out.push(e!.charCodeAt(0));
  }
  return Uint8Array.from(out);
}

export function parseBytes(tokens: string[]): Uint8Array {
  const out: number[] = [];
  let expectOption = false;
  let afterSb = false;
  // The words of the subnegotiation being written (after SB <option>, up to SE).
  let words: Record<string, number> = {};
  for (const t of tokens) {
    if (t.startsWith('"')) {
      out.push(...parseQuoted(t));
      expectOption = false;
      continue;
    }
    // After a verb or SB, an option: a name (NEW-ENVIRON) or a decimal code (99).
    if (expectOption && optionCode(t) !== undefined) {
      out.push(optionCode(t)!);
      if (afterSb) words = subnegotiationWords(optionCode(t)!);
      expectOption = false;
      continue;
    }
    if (/^[0-9a-f]{2}$/.test(t)) {
      out.push(Number.parseInt(t, 16));
      expectOption = false;
      continue;
    }
    if (words[t] !== undefined) {
      out.push(words[t]!);
      continue;
    }
    const cmd = COMMANDS[t];
    if (cmd === undefined) throw new Error(`unknown token ${t}`);
    out.push(cmd);
    afterSb = cmd === Cmd.SB;
    if (cmd === Cmd.SE) words = {};
    expectOption =
      cmd === Cmd.WILL || cmd === Cmd.WONT || cmd === Cmd.DO || cmd === Cmd.DONT || cmd === Cmd.SB;
  }
  return Uint8Array.from(out);
}

function parseArg(token: string): unknown {
  if (token.startsWith('"')) return parseQuoted(token);
  if (token === 'true' || token === 'false') return token === 'true';
  if (/^-?\d+$/.test(token)) return Number(token);
  // A name that is both an option and a command (EOR) is read as the option.
  return optionCode(token) ?? COMMANDS[token] ?? token;
}

export function parseTranscript(source: string): Transcript {
  const lines = source.split('\n');
  const title: string[] = [];
  let rule = '';
  let options: TelnetEngineOptions = {};
  let k = 0;
  for (; k < lines.length; k++) {
    const line = lines[k]!.trim();
    if (line === '---') break;
    if (line.startsWith('#')) title.push(line.replace(/^#\s*/, ''));
    else if (line.startsWith('rule:')) rule = line.slice(5).trim();
    else if (line.startsWith('options:')) options = JSON.parse(line.slice(8));
    else if (line !== '') throw new Error(`unexpected header line: ${line}`);
  }
  const steps: Step[] = [];
  const expected: string[] = [];
  for (k++; k < lines.length; k++) {
    const line = lines[k]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('> in ')) {
      steps.push({ kind: 'in', text: line, bytes: parseBytes(tokenize(line.slice(5))) });
    } else if (line.startsWith('> call ')) {
      const [method, ...args] = tokenize(line.slice(7));
      steps.push({ kind: 'call', text: line, method: method!, args: args.map(parseArg) });
    }
    if (line.startsWith('> ')) expected.push(line);
    else expected.push(line);
  }
  return { title: title.join(' '), rule, options, steps, expected };
}

function quote(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) {
    if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += '\\\\';
    else if (b === 0x0d) s += '\\r';
    else if (b === 0x0a) s += '\\n';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${s}"`;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

export function formatEvent(e: TelnetEvent): string {
  switch (e.type) {
    case 'data':
      return `data ${quote(e.data)}`;
    case 'send':
      return `send ${hex(e.data)}`;
    case 'command':
      return `command ${describeCommand(Uint8Array.of(Cmd.IAC, e.command))}${e.lost ? ' lost' : ''}`;
    case 'option':
      return `option ${e.side} ${optionName(e.option)} ${e.enabled ? 'on' : 'off'}`;
    case 'option-refused':
      return `option-refused ${e.side} ${optionName(e.option)}`;
    case 'subnegotiation':
      return `sb ${optionName(e.option)} ${hex(e.data)}`.trimEnd();
    case 'trace':
      return `trace ${e.direction} ${describeCommand(e.bytes)}`;
    case 'window-size':
      return `window-size ${e.cols} ${e.rows}`;
    case 'terminal-type':
      return `terminal-type ${JSON.stringify(e.name)}`;
    case 'environ':
      return `environ ${e.kind} ${e.vars.map((v) => `${v.kind}:${v.name}=${v.value ?? '(none)'}`).join(' ')}`;
    case 'charset':
      return `charset ${e.charset ?? '(rejected)'}`;
    case 'timing-mark':
      return 'timing-mark';
    case 'logout-warning':
      return 'logout-warning';
    case 'logout':
      return `logout ${e.result}`;
    case 'mode':
      return `mode ${e.mode}`;
    case 'warning':
      return `warning ${e.code}`;
  }
}

/** Merges adjacent data events and adjacent send events, so logs compare equal whatever the chunking. */
export function normalize(events: TelnetEvent[]): TelnetEvent[] {
  const out: TelnetEvent[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (last && (e.type === 'data' || e.type === 'send') && last.type === e.type) {
      const merged = new Uint8Array(last.data.length + e.data.length);
      merged.set(last.data);
      merged.set(e.data, last.data.length);
      out[out.length - 1] = { type: e.type, data: merged };
    } else if (e.type === 'data' || e.type === 'send' || e.type === 'subnegotiation') {
      // Copy: data may be a view of a chunk the caller reuses.
      out.push({ ...e, data: e.data.slice() } as TelnetEvent);
    } else {
      out.push(e);
    }
  }
  return out;
}

/** Runs a transcript; `split` chooses how each `in` step is cut into chunks. */
export function runTranscript(
  t: Transcript,
  split: (bytes: Uint8Array) => Uint8Array[] = (b) => [b],
): string[] {
  const log: string[] = [];
  let events: TelnetEvent[] = [];
  const engine = new TelnetEngine(t.options, (e) => events.push(e));
  // Bytes for the peer are one stream of their own: within a step only their order matters, not where they
  // fall between other events, so a step's sends are logged as one line at its end.
  const flush = () => {
    const sends = events.filter((e) => e.type === 'send');
    for (const e of normalize(events.filter((e) => e.type !== 'send'))) log.push(formatEvent(e));
    for (const e of normalize(sends)) log.push(formatEvent(e));
    events = [];
  };
  for (const step of t.steps) {
    log.push(step.text);
    if (step.kind === 'in') {
      for (const chunk of split(step.bytes)) engine.receive(chunk);
    } else if (step.method === 'eol') {
      engine.eol = step.args[0] as 'crlf';
    } else {
      const fn = (engine as unknown as Record<string, (...a: unknown[]) => unknown>)[step.method];
      if (typeof fn !== 'function') throw new Error(`no engine method ${step.method}`);
      const result = fn.apply(engine, step.args);
      flush();
      // Queries return a string worth checking; requests return booleans already visible in the log.
      if (typeof result === 'string') log.push(`= ${result}`);
      continue;
    }
    flush();
  }
  return log;
}

export const byteByByte = (bytes: Uint8Array): Uint8Array[] => Array.from(bytes, (b) => Uint8Array.of(b));
