import xtermHeadless from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { LineHistory } from './line-history';
import { MudInput } from './mud-input';

const { Terminal } = xtermHeadless;
type HeadlessTerminal = InstanceType<typeof Terminal>;

function terminal(cols = 40, rows = 8): HeadlessTerminal {
  return new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
}

function write(term: HeadlessTerminal, data: string): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

/** The screen's rows as text, trailing blanks and empty rows dropped. */
function rows(term: HeadlessTerminal): string[] {
  const buffer = term.buffer.active;
  const lines: string[] = [];
  for (let row = 0; row < term.rows; row++) {
    lines.push((buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '').trimEnd());
  }
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

function cursor(term: HeadlessTerminal): [number, number] {
  return [term.buffer.active.cursorX, term.buffer.active.cursorY];
}

/** A MUD client in miniature: typing echoes locally, host output is written around the typed line. */
function client(term: HeadlessTerminal, history = new LineHistory()) {
  const input = new MudInput(history);
  const sent: string[] = [];
  return {
    input,
    history,
    sent,
    async type(data: string) {
      const { echo, send } = input.feed(data);
      if (send) sent.push(send);
      await write(term, echo);
    },
    async output(data: string) {
      await write(term, input.beforeOutput() + data + input.afterOutput());
    },
  };
}

describe('MudInput: the typed line and host output', () => {
  it('keeps the line being typed intact on the last line when output arrives', async () => {
    const term = terminal();
    const mud = client(term);
    await mud.output('Welcome!\r\n> ');
    await mud.type('nor');
    expect(rows(term)).toEqual(['Welcome!', '> nor']);
    await mud.output('\r\nA goblin arrives.\r\n> ');
    expect(rows(term)).toEqual(['Welcome!', '>', 'A goblin arrives.', '> nor']);
    expect(cursor(term)).toEqual([5, 3]);
    await mud.type('th');
    expect(rows(term)).toEqual(['Welcome!', '>', 'A goblin arrives.', '> north']);
    expect(mud.sent).toEqual([]);
    await mud.type('\r');
    expect(mud.sent).toEqual(['north\r']);
    // Nothing typed: output goes on as usual.
    await mud.output('You go north.\r\n> ');
    expect(rows(term).slice(-2)).toEqual(['You go north.', '>']);
  });

  it('redraws the line without the prompt when output does not end with one', async () => {
    const term = terminal();
    const mud = client(term);
    await mud.output('> ');
    await mud.type('say hi');
    await mud.output('\r\nThe wind howls.\r\n');
    expect(rows(term)).toEqual(['>', 'The wind howls.', 'say hi']);
    expect(cursor(term)).toEqual([6, 2]);
  });

  it('erases a typed line wrapped over several rows before the output', async () => {
    const term = terminal(10, 6);
    const mud = client(term);
    await mud.output('> ');
    await mud.type('abcdefghijklmn');
    expect(rows(term)).toEqual(['> abcdefgh', 'ijklmn']);
    await mud.output('\r\nTick.\r\n> ');
    expect(rows(term)).toEqual(['>', 'Tick.', '> abcdefgh', 'ijklmn']);
  });

  it('keeps erasing and redrawing right across backspaces and several outputs', async () => {
    const term = terminal();
    const mud = client(term);
    await mud.output('> ');
    await mud.type('lokk\x7f\x7f');
    await mud.output('\r\nOne.\r\n> ');
    await mud.type('ok');
    await mud.output('\r\nTwo.\r\n> ');
    expect(rows(term)).toEqual(['>', 'One.', '>', 'Two.', '> look']);
  });
});

describe('MudInput: history', () => {
  it('walks the lines sent with Up and Down, sending no cursor keys to the host', async () => {
    const term = terminal();
    const mud = client(term);
    await mud.output('> ');
    await mud.type('look\r');
    await mud.output('A room.\r\n> ');
    await mud.type('north\r');
    await mud.output('A corridor.\r\n> ');
    await mud.type('x');
    await mud.type('\x1b[A');
    expect(rows(term).at(-1)).toBe('> north');
    await mud.type('\x1bOA'); // application cursor mode
    expect(rows(term).at(-1)).toBe('> look');
    await mud.type('\x1b[A'); // already at the oldest: nothing changes
    expect(rows(term).at(-1)).toBe('> look');
    await mud.type('\x1b[B\x1b[B');
    expect(rows(term).at(-1)).toBe('> x');
    await mud.type('\x7f\x1b[A\x1b[A\x1b[D\x1b[C\r');
    expect(mud.sent).toEqual(['look\r', 'north\r', 'look\r']);
    expect(mud.sent.join('')).not.toContain('\x1b');
    expect(mud.history.entries).toEqual(['look', 'north', 'look']);
  });

  it('recalls a line and keeps it intact while output arrives', async () => {
    const term = terminal();
    const mud = client(term, new LineHistory(['get all from corpse']));
    await mud.output('> ');
    await mud.type('\x1b[A');
    await mud.output('\r\nThe orc dies.\r\n> ');
    expect(rows(term)).toEqual(['>', 'The orc dies.', '> get all from corpse']);
    await mud.type('\r');
    expect(mud.sent).toEqual(['get all from corpse\r']);
  });

  it('replaces a recalled line wrapped over rows entirely', async () => {
    const term = terminal(10, 6);
    const mud = client(term, new LineHistory(['s', 'abcdefghijklmn']));
    await mud.output('> ');
    await mud.type('\x1b[A');
    expect(rows(term)).toEqual(['> abcdefgh', 'ijklmn']);
    await mud.type('\x1b[A');
    expect(rows(term)).toEqual(['> s']);
  });
});
