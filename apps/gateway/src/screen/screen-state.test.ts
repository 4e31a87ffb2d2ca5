import { seededRandom } from '@telgate/test-peers';
import xtermHeadless from '@xterm/headless';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ScreenSnapshot, ScreenState, syncWriter } from './screen-state.js';

const { Terminal } = xtermHeadless;
type HeadlessTerminal = InstanceType<typeof Terminal>;

const encoder = new TextEncoder();
const SCROLLBACK = 200;

/** What a terminal shows, cell by cell: the comparison the issue asks for (text, cursor, screen, colours). */
function look(terminal: HeadlessTerminal) {
  const buffer = terminal.buffer.active;
  const lines: string[] = [];
  const colours: string[] = [];
  for (let y = 0; y < buffer.length; y++) {
    const line = buffer.getLine(y)!;
    lines.push(line.translateToString(true));
    let attrs = '';
    for (let x = 0; x < terminal.cols; x++) {
      const cell = line.getCell(x)!;
      attrs += `${cell.getFgColorMode()}:${cell.getFgColor()}/${cell.getBgColorMode()}:${cell.getBgColor()}${cell.isBold() ? 'b' : ''}${cell.isInverse() ? 'i' : ''}${cell.isUnderline() ? 'u' : ''},`;
    }
    colours.push(attrs);
  }
  return {
    type: buffer.type,
    cursor: [buffer.cursorX, buffer.cursorY],
    size: [terminal.cols, terminal.rows],
    lines,
    colours,
    applicationCursorKeys: terminal.modes.applicationCursorKeysMode,
  };
}

function parsed(terminal: HeadlessTerminal): Promise<void> {
  return new Promise((resolve) => terminal.write('', resolve));
}

async function restore(snapshot: ScreenSnapshot): Promise<HeadlessTerminal> {
  const terminal = new Terminal({
    cols: snapshot.cols,
    rows: snapshot.rows,
    scrollback: SCROLLBACK,
    allowProposedApi: true,
  });
  terminal.write(snapshot.data);
  await parsed(terminal);
  return terminal;
}

type Step = string | { cols: number; rows: number };

/** Feeds the steps to a reference terminal and to a ScreenState, in chunks split at random places. */
async function compare(steps: Step[], seed: number, lazyBytes: number) {
  const random = seededRandom(seed);
  const reference = new Terminal({ cols: 80, rows: 24, scrollback: SCROLLBACK, allowProposedApi: true });
  const screen = new ScreenState({ cols: 80, rows: 24, scrollback: SCROLLBACK, lazyBytes });
  for (const step of steps) {
    if (typeof step !== 'string') {
      reference.write('', () => reference.resize(step.cols, step.rows));
      screen.resize(step.cols, step.rows);
      continue;
    }
    const bytes = encoder.encode(step);
    for (let at = 0; at < bytes.length; ) {
      const end = Math.min(bytes.length, at + 1 + Math.floor(random() * 700));
      // Views into one buffer, reused after the call as a socket's would be: the state must have copied.
      const chunk = bytes.slice(at, end);
      reference.write(chunk.slice());
      screen.write(chunk);
      chunk.fill(0x21);
      at = end;
    }
  }
  await parsed(reference);
  const restored = await restore(await screen.snapshot());
  expect(look(restored)).toEqual(look(reference));
  return { screen, reference };
}

const SGR = (n: number) => `\x1b[${n}m`;

function shellSession(): Step[] {
  const steps: Step[] = ['Debian GNU/Linux 12\r\n\r\nlogin: telgate\r\nPassword: \r\n'];
  for (let i = 0; i < 30; i++) {
    steps.push(`$ ls dir${i}\r\n`);
    steps.push(`${SGR(1)}${SGR(34)}bin${SGR(0)}  ${SGR(32)}run.sh${SGR(0)}  notes-${i}.txt  ✓ é 中文\r\n`);
  }
  steps.push('$ ');
  return steps;
}

function fullScreenProgram(): Step[] {
  const steps: Step[] = ['$ vi notes.txt\r\n', '\x1b[?1049h\x1b[?1h\x1b=\x1b[H\x1b[2J'];
  for (let row = 1; row <= 23; row++)
    steps.push(`\x1b[${row};1H${row < 5 ? `line ${row} of the file` : `${SGR(34)}~${SGR(0)}`}`);
  steps.push(`\x1b[24;1H${SGR(7)}"notes.txt" 4L, 64B${SGR(0)}\x1b[2;6H`);
  steps.push({ cols: 100, rows: 30 });
  steps.push(
    `\x1b[H\x1b[2J\x1b[3;10H${SGR(41)}${SGR(97)} resized ${SGR(0)}\x1b[5;3r\x1b[5;1H\n\n\x1b[r\x1b[3;14H`,
  );
  return steps;
}

function flood(lines: number): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < lines; i++)
    steps.push(`${SGR(31 + (i % 7))}${i} ${'log text '.repeat(1 + (i % 8))}${SGR(0)}\r\n`);
  return steps;
}

/**
 * The core prototype that holds xterm.js's `writeSync`: taken off, a ScreenState parses later through
 * `terminal.write`, as it does with an xterm.js that has no synchronous write.
 */
function withoutWriteSync(): () => void {
  const probe = new Terminal({ cols: 10, rows: 2, allowProposedApi: true });
  let proto = Object.getPrototypeOf((probe as unknown as { _core: object })._core) as object | null;
  while (proto && !Object.hasOwn(proto, 'writeSync')) proto = Object.getPrototypeOf(proto) as object | null;
  probe.dispose();
  if (!proto) throw new Error('this xterm.js has no writeSync');
  const owner = proto as { writeSync?: unknown };
  const writeSync = owner.writeSync;
  delete owner.writeSync;
  return () => {
    owner.writeSync = writeSync;
  };
}

/** A screen with a terminal from the first byte and a budget of 8 KiB a turn. */
function budgetedScreen(): ScreenState {
  return new ScreenState({ cols: 80, rows: 24, scrollback: SCROLLBACK, lazyBytes: 0, maxBytesPerTurn: 8192 });
}

const PARSING = [
  ['as output is written', false],
  ['later (an xterm.js without writeSync)', true],
] as const;

describe.each(PARSING)('ScreenState, parsing %s', (_name, later) => {
  let restoreWriteSync: (() => void) | undefined;
  beforeEach(() => {
    if (later) restoreWriteSync = withoutWriteSync();
  });
  afterEach(() => {
    restoreWriteSync?.();
    restoreWriteSync = undefined;
  });

  it('restores a plain shell session: text, colours and cursor', async () => {
    await compare(shellSession(), 1, 32 * 1024);
  });

  it('restores a full-screen program: alternate screen, modes, a resize and a scroll region', async () => {
    await compare(fullScreenProgram(), 2, 32 * 1024);
    await compare([...shellSession(), ...fullScreenProgram()], 3, 0);
  });

  it('restores after a flood past the scrollback, at every way of splitting it', async () => {
    for (const seed of [4, 5, 6]) await compare(flood(2_000), seed, 32 * 1024);
  });

  it('restores a session left in the normal screen after a full-screen program quit', async () => {
    await compare([...fullScreenProgram(), '\x1b[?1049l\x1b[?1l\x1b>$ ', 'echo done\r\ndone\r\n$ '], 7, 1024);
  });

  it('a snapshot is the screen at the point it was asked for: output written meanwhile is not in it', async () => {
    const screen = new ScreenState({ cols: 80, rows: 24, scrollback: SCROLLBACK, lazyBytes: 0 });
    const lines = Array.from({ length: 2000 }, (_, k) => `before ${k}\r\n`).join('');
    screen.write(encoder.encode(lines));
    const asked = screen.snapshot();
    // Written before the snapshot promise settles: it follows the snapshot's point in the output.
    screen.write(encoder.encode('after the snapshot'));
    const restored = await restore(await asked);
    const rows = look(restored).lines;
    expect(rows.join('\n')).toContain('before 1999');
    expect(rows.join('\n')).not.toContain('after the snapshot');
    restored.dispose();
    screen.dispose();
  });

  it('a snapshot asked for once the screen is disposed fails with a clear error', async () => {
    const screen = new ScreenState({ cols: 80, rows: 24, scrollback: SCROLLBACK, lazyBytes: 0 });
    screen.write(new TextEncoder().encode('x'.repeat(64 * 1024)));
    const taken = screen.snapshot();
    screen.dispose();
    if (later) await expect(taken).rejects.toThrow('the screen state was disposed');
    // Parsed as written, the screen was taken when asked for.
    else expect((await taken).data).toContain('x'.repeat(80));
    await expect(screen.snapshot()).rejects.toThrow('the screen state was disposed');
  });

  it('holds a quiet session as its bytes, and creates a terminal only past lazyBytes', async () => {
    const screen = new ScreenState({ cols: 80, rows: 24, scrollback: SCROLLBACK, lazyBytes: 4096 });
    for (let i = 0; i < 100; i++) screen.write(encoder.encode('x'));
    screen.resize(100, 30);
    screen.resize(120, 40);
    expect(screen.materialized).toBe(false);
    expect(screen.approximateBytes).toBeLessThan(1024);
    screen.write(new Uint8Array(4096).fill(0x41));
    expect(screen.materialized).toBe(true);
    const restored = await restore(await screen.snapshot());
    expect([restored.cols, restored.rows]).toEqual([120, 40]);
    // 100 x at 80 columns wrapped once; the size change came after them, so they stay where they were.
    expect(look(restored).lines[0]).toBe('x'.repeat(80));
    screen.dispose();
  });
});

describe('ScreenState, parsing as output is written', () => {
  it('uses the xterm.js in use: it has a synchronous write (an upgrade that drops it fails here)', () => {
    const terminal = new Terminal({ cols: 10, rows: 2, allowProposedApi: true });
    const writeSync = syncWriter(terminal);
    expect(writeSync).toBeTypeOf('function');
    writeSync!(encoder.encode('parsed'));
    expect(terminal.buffer.active.getLine(0)!.translateToString(true)).toBe('parsed');
    terminal.dispose();
  });

  it('has nothing waiting after a write, and reports past maxBytesPerTurn in one turn of the event loop until the next', async () => {
    const screen = budgetedScreen();
    const calls: boolean[] = [];
    screen.onParsed(() => calls.push(screen.backlogged));
    screen.write(new Uint8Array(4096).fill(0x41));
    expect(screen.unparsedBytes).toBe(0);
    expect(screen.backlogged).toBe(false);
    screen.write(new Uint8Array(4096).fill(0x42));
    expect(screen.backlogged).toBe(false);
    screen.write(new Uint8Array(1).fill(0x43));
    expect(screen.unparsedBytes).toBe(0);
    expect(screen.backlogged).toBe(true);
    expect(calls).toEqual([]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    // Called once, at the next turn, no longer backlogged.
    expect(calls).toEqual([false]);
    expect(screen.backlogged).toBe(false);
    screen.dispose();
  });

  it('counts the budget per turn: output spread over turns, under it in each, never holds the writer back', async () => {
    const screen = budgetedScreen();
    for (let turn = 0; turn < 4; turn++) {
      screen.write(new Uint8Array(6144).fill(0x41));
      expect(screen.backlogged).toBe(false);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    screen.dispose();
  });

  it('keeps no reference to the bytes written: a caller may reuse its buffer at once', async () => {
    const screen = new ScreenState({ cols: 20, rows: 3, scrollback: SCROLLBACK, lazyBytes: 0 });
    const buffer = encoder.encode('first');
    screen.write(buffer);
    buffer.fill(0x21);
    const restored = await restore(await screen.snapshot());
    expect(look(restored).lines[0]).toBe('first');
    restored.dispose();
    screen.dispose();
  });
});

describe('ScreenState, parsing later (an xterm.js without writeSync)', () => {
  it('reports output waiting to be parsed past maxBytesPerTurn, and when a quarter of it or less is left', async () => {
    const restoreWriteSync = withoutWriteSync();
    try {
      const screen = budgetedScreen();
      const leftWhenCalled: number[] = [];
      screen.onParsed(() => leftWhenCalled.push(screen.unparsedBytes));
      screen.write(new Uint8Array(4096).fill(0x41));
      expect(screen.backlogged).toBe(false);
      screen.write(new Uint8Array(8192).fill(0x42));
      screen.write(new Uint8Array(1024).fill(0x43));
      expect(screen.unparsedBytes).toBe(4096 + 8192 + 1024);
      expect(screen.backlogged).toBe(true);
      await screen.snapshot();
      expect(screen.unparsedBytes).toBe(0);
      expect(screen.backlogged).toBe(false);
      // Not after the first write (9216 left), but once 1024 (≤ 8192 / 4) and then nothing were left.
      expect(leftWhenCalled).toEqual([1024, 0]);
      screen.dispose();
    } finally {
      restoreWriteSync();
    }
  });
});
