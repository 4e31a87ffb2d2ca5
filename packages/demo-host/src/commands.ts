import { renderStatus } from './reports.js';
import type { SessionView } from './session-view.js';
import { countChunks, floodChunks } from './streams.js';
import { formatDuration, padEnd, sgr } from './text.js';

/** What a running command can do. Output written after an interrupt or an Abort Output is dropped. */
export interface CommandContext {
  readonly args: readonly string[];
  readonly session: SessionView;
  /** Aborted when the user interrupts (Ctrl-C, Telnet IP) or the session ends. */
  readonly signal: AbortSignal;
  /** Small output, sent at once; `\n` becomes CR LF. */
  print(text: string): void;
  /** Bulk output, paced by the client: resolves once the socket can take more. False: stop producing. */
  stream(chunk: Uint8Array): Promise<boolean>;
  /** Resolves after `ms`, or at once when interrupted. */
  sleep(ms: number): Promise<void>;
  /** Ends the session politely. */
  logout(): void;
}

export interface Command {
  readonly name: string;
  /** How to call it, for `help`. */
  readonly usage: string;
  readonly summary: string;
  run(context: CommandContext): void | Promise<void>;
}

export const LOOP_INTERVAL_MS = 100;
export const MAX_COUNT = 1_000_000;
/** 1 GiB. */
export const MAX_FLOOD_KIB = 1024 * 1024;
export const MAX_SLEEP_SECONDS = 3600;

/** Splits a command line into words: blanks separate, quotes group, a backslash escapes one character. */
export function parseCommandLine(line: string): { words: string[] } | { error: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\'))
        word += line[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) return { error: `unterminated ${quote === '"' ? 'double' : 'single'} quote` };
  if (inWord) words.push(word);
  return { words };
}

/** A whole number in [min, max], or undefined. */
function wholeNumber(text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

async function streamAll(context: CommandContext, chunks: Iterable<Uint8Array>): Promise<void> {
  for (const chunk of chunks) {
    if (!(await context.stream(chunk))) return;
  }
}

// ---------------------------------------------------------------- fixed screens

interface FakeFile {
  mode: string;
  size: number;
  date: string;
  name: string;
  color: string;
  target?: string;
}

const FILES: readonly FakeFile[] = [
  { mode: 'drwxr-xr-x', size: 4096, date: 'Jan 12 09:30', name: 'docs', color: '1;34' },
  { mode: '-rw-r--r--', size: 1843, date: 'Jan 12 09:31', name: 'README.md', color: '0' },
  { mode: '-rwxr-xr-x', size: 312, date: 'Feb  3 17:05', name: 'hello.sh', color: '1;32' },
  { mode: '-rw-r--r--', size: 48213, date: 'Mar  9 11:42', name: 'photo.png', color: '1;35' },
  { mode: '-rw-r--r--', size: 90112, date: 'Mar  9 11:45', name: 'backup.tar.gz', color: '1;31' },
  { mode: 'lrwxrwxrwx', size: 4, date: 'Apr  1 08:00', name: 'latest', color: '1;36', target: 'docs' },
  { mode: '-rw-r--r--', size: 644, date: 'Apr  2 14:21', name: '日本語.txt', color: '0' },
];

function listFiles(long: boolean): string {
  if (!long) return `${FILES.map((f) => sgr(f.color, f.name)).join('  ')}\n`;
  const lines = FILES.map((f) => {
    const link = f.target === undefined ? '' : ` -> ${sgr('1;34', f.target)}`;
    return `${f.mode} 1 demo demo ${String(f.size).padStart(5)} ${f.date} ${sgr(f.color, f.name)}${link}`;
  });
  return `total ${FILES.length * 4}\n${lines.join('\n')}\n`;
}

const COLOR_NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

function palette(): string {
  const lines: string[] = [sgr('1', '16 colors')];
  lines.push(`  ${COLOR_NAMES.map((name, n) => sgr(String(30 + n), padEnd(name, 8))).join('')}`);
  lines.push(`  ${COLOR_NAMES.map((name, n) => sgr(String(90 + n), padEnd(name, 8))).join('')}`);
  lines.push(`  ${COLOR_NAMES.map((_, n) => sgr(String(40 + n), '        ')).join('')}`);
  lines.push(`  ${COLOR_NAMES.map((_, n) => sgr(String(100 + n), '        ')).join('')}`);
  lines.push('', sgr('1', '256 colors'));
  for (let row = 0; row < 6; row++) {
    let line = '  ';
    for (let col = 0; col < 36; col++) line += `\x1b[48;5;${16 + row * 36 + col}m  `;
    lines.push(`${line}\x1b[0m`);
  }
  let grays = '  ';
  for (let n = 232; n < 256; n++) grays += `\x1b[48;5;${n}m   `;
  lines.push(`${grays}\x1b[0m`, '', sgr('1', '24-bit color'));
  let gradient = '  ';
  for (let k = 0; k < 64; k++) {
    const r = Math.round(255 - (k * 255) / 63);
    const g = Math.round(k < 32 ? (k * 255) / 31 : ((63 - k) * 255) / 31);
    const b = Math.round((k * 255) / 63);
    gradient += `\x1b[48;2;${r};${g};${b}m `;
  }
  lines.push(`${gradient}\x1b[0m`, '', sgr('1', 'attributes'));
  lines.push(
    `  ${[
      sgr('1', 'bold'),
      sgr('2', 'dim'),
      sgr('3', 'italic'),
      sgr('4', 'underline'),
      sgr('7', 'reverse'),
      sgr('9', 'strike'),
    ].join('  ')}`,
  );
  return `${lines.join('\n')}\n`;
}

interface BoxStyle {
  name: string;
  corners: [string, string, string, string];
  h: string;
  v: string;
}

const BOX_STYLES: readonly BoxStyle[] = [
  { name: 'single', corners: ['┌', '┐', '└', '┘'], h: '─', v: '│' },
  { name: 'double', corners: ['╔', '╗', '╚', '╝'], h: '═', v: '║' },
  { name: 'rounded', corners: ['╭', '╮', '╰', '╯'], h: '─', v: '│' },
  { name: 'heavy', corners: ['┏', '┓', '┗', '┛'], h: '━', v: '┃' },
];

function boxes(): string {
  const inner = 9;
  const [top, middle, bottom] = [[], [], []] as [string[], string[], string[]];
  for (const s of BOX_STYLES) {
    top.push(s.corners[0] + s.h.repeat(inner) + s.corners[1]);
    middle.push(`${s.v} ${padEnd(s.name, inner - 1)}${s.v}`);
    bottom.push(s.corners[2] + s.h.repeat(inner) + s.corners[3]);
  }
  const table = [
    ['option', 'host', 'client'],
    ['ECHO', 'WILL', 'DO'],
    ['NAWS', 'DO', 'WILL'],
    ['TTYPE', 'DO', 'WILL'],
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)) + 2);
  const rule = (left: string, mid: string, right: string) =>
    left + widths.map((w) => '─'.repeat(w)).join(mid) + right;
  const row = (cells: string[]) =>
    `│${cells.map((cell, c) => ` ${padEnd(cell, widths[c]! - 1)}`).join('│')}│`;
  const lines = [
    top.join(' '),
    middle.join(' '),
    bottom.join(' '),
    '',
    rule('┌', '┬', '┐'),
    row(table[0]!),
    rule('├', '┼', '┤'),
    ...table.slice(1).map(row),
    rule('└', '┴', '┘'),
    '',
    `shades ░▒▓█   bars ▁▂▃▄▅▆▇█   arrows ←↑→↓   ${sgr('1', 'ünïcödé')} 日本語 ✓`,
  ];
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- the commands

function usage(context: CommandContext, command: Command): void {
  context.print(`usage: ${command.usage}\n`);
}

const help: Command = {
  name: 'help',
  usage: 'help',
  summary: 'this list',
  run(context) {
    const lines = [sgr('1', 'Commands')];
    for (const command of COMMANDS) lines.push(`  ${padEnd(command.usage, 14)}  ${command.summary}`);
    lines.push(
      '',
      sgr('1', 'Keys'),
      '  Ctrl-C interrupts a command or abandons the line; Ctrl-U erases the line, Ctrl-W a word;',
      '  Ctrl-L redraws; Up/Down recall earlier lines; Tab completes a command; Ctrl-D logs out.',
      '',
      sgr('1', 'Telnet commands'),
      '  Interrupt Process stops a command, Abort Output discards its output,',
      '  Are You There gets an answer, Break is acknowledged.',
    );
    context.print(`${lines.join('\n')}\n`);
  },
};

const status: Command = {
  name: 'status',
  usage: 'status',
  summary: 'what was negotiated: options, terminal type, window size, charset',
  run(context) {
    context.print(renderStatus(context.session));
  },
};

const stty: Command = {
  name: 'stty',
  usage: 'stty size',
  summary: 'the window size, as ROWS COLS',
  run(context) {
    const size = context.session.windowSize;
    // Like the real stty: an unknown size is 0 0.
    const [rows, cols] = size === undefined ? [0, 0] : [size.rows, size.cols];
    if (context.args.length === 1 && context.args[0] === 'size') context.print(`${rows} ${cols}\n`);
    else if (context.args.length === 0) context.print(`rows ${rows}; columns ${cols};\n`);
    else usage(context, stty);
  },
};

const echo: Command = {
  name: 'echo',
  usage: 'echo TEXT...',
  summary: 'print TEXT',
  run(context) {
    context.print(`${context.args.join(' ')}\n`);
  },
};

const ls: Command = {
  name: 'ls',
  usage: 'ls [-l]',
  summary: 'a few files, in color',
  run(context) {
    if (context.args.length === 0) context.print(listFiles(false));
    else if (context.args.length === 1 && context.args[0] === '-l') context.print(listFiles(true));
    else usage(context, ls);
  },
};

const colors: Command = {
  name: 'colors',
  usage: 'colors',
  summary: 'the ANSI color palette',
  run(context) {
    context.print(palette());
  },
};

const boxesCommand: Command = {
  name: 'boxes',
  usage: 'boxes',
  summary: 'Unicode box drawing',
  run(context) {
    context.print(boxes());
  },
};

const count: Command = {
  name: 'count',
  usage: 'count N',
  summary: `print 1 to N, one a line (N up to ${MAX_COUNT})`,
  async run(context) {
    const n = wholeNumber(context.args[0], 1, MAX_COUNT);
    if (n === undefined || context.args.length !== 1) return usage(context, count);
    await streamAll(context, countChunks(n));
  },
};

const flood: Command = {
  name: 'flood',
  usage: 'flood N',
  summary: 'N KiB of output, as fast as your connection takes it',
  async run(context) {
    const kib = wholeNumber(context.args[0], 1, MAX_FLOOD_KIB);
    if (kib === undefined || context.args.length !== 1) return usage(context, flood);
    await streamAll(context, floodChunks(kib));
  },
};

const sleep: Command = {
  name: 'sleep',
  usage: 'sleep N',
  summary: 'wait N seconds (Ctrl-C stops it)',
  async run(context) {
    const text = context.args[0];
    const seconds = text !== undefined && /^\d{1,4}(\.\d{1,3})?$/.test(text) ? Number(text) : Number.NaN;
    if (!(seconds <= MAX_SLEEP_SECONDS) || context.args.length !== 1) return usage(context, sleep);
    await context.sleep(seconds * 1000);
  },
};

const loop: Command = {
  name: 'loop',
  usage: 'loop',
  summary: `print a line every ${LOOP_INTERVAL_MS} ms until interrupted`,
  async run(context) {
    context.print(`a line every ${LOOP_INTERVAL_MS} ms; Ctrl-C stops\n`);
    for (let tick = 1; !context.signal.aborted; tick++) {
      await context.sleep(LOOP_INTERVAL_MS);
      context.print(`tick ${tick}\n`);
    }
  },
};

const idle: Command = {
  name: 'idle',
  usage: 'idle',
  summary: 'the idle timer and the auto-logout warning',
  run(context) {
    const { idleForMs, idleWarningMs, logoutGraceMs } = context.session;
    context.print(
      [
        `No input for ${formatDuration(Math.floor(idleForMs / 1000) * 1000)}.`,
        `After ${formatDuration(idleWarningMs)} without input, this host warns that it will log you out`,
        `(Telnet WILL LOGOUT, RFC 727), and your client has ${formatDuration(logoutGraceMs)} to answer:`,
        '  "stay logged in" (DONT LOGOUT), or typing anything, keeps the session;',
        '  "log out" (DO LOGOUT), or no answer, ends it.',
        '',
      ].join('\n'),
    );
  },
};

const clear: Command = {
  name: 'clear',
  usage: 'clear',
  summary: 'clear the screen',
  run(context) {
    context.print('\x1b[H\x1b[2J');
  },
};

const logout: Command = {
  name: 'logout',
  usage: 'logout, exit',
  summary: 'end the session',
  run(context) {
    context.logout();
  },
};

export const COMMANDS: readonly Command[] = [
  help,
  status,
  stty,
  echo,
  ls,
  colors,
  boxesCommand,
  count,
  flood,
  sleep,
  loop,
  idle,
  clear,
  logout,
];

const BY_NAME = new Map<string, Command>([...COMMANDS.map((c) => [c.name, c] as const), ['exit', logout]]);

/** Every name the shell knows, for Tab completion. */
export const COMMAND_NAMES: readonly string[] = [...BY_NAME.keys()].sort();

export function findCommand(name: string): Command | undefined {
  return BY_NAME.get(name);
}
