import xtermHeadless from '@xterm/headless';

const { Terminal } = xtermHeadless;

export type HeadlessTerminal = InstanceType<typeof Terminal>;

export function headlessTerminal(cols: number, rows: number): HeadlessTerminal {
  return new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
}

export function write(terminal: HeadlessTerminal, data: Uint8Array): Promise<void> {
  return new Promise((resolve) => terminal.write(data, resolve));
}

/** The visible rows as text, trailing blanks trimmed, trailing empty rows dropped. */
export function screenRows(terminal: HeadlessTerminal): string[] {
  const buffer = terminal.buffer.active;
  const rows: string[] = [];
  for (let row = 0; row < terminal.rows; row++) {
    rows.push((buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? '').trimEnd());
  }
  while (rows.length > 0 && rows[rows.length - 1] === '') rows.pop();
  return rows;
}
