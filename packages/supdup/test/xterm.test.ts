import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSupdupClient, Td } from '../src/index.js';
import { headlessTerminal, screenRows, write } from './screen.js';

/**
 * RFC 734's display semantics written out plainly on a grid of characters, independent of the engine:
 * xterm.js fed with the engine's ANSI must end up with the same screen and the same cursor.
 */
class ModelScreen {
  grid: string[][];
  row = 0;
  col = 0;
  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.grid = Array.from({ length: rows }, () => this.blank());
  }
  blank(): string[] {
    return Array<string>(this.cols).fill(' ');
  }
  apply(op: Op): void {
    const line = this.grid[this.row]!;
    switch (op.kind) {
      case 'text':
        for (const char of op.text) if (this.col < this.cols) line[this.col++] = char;
        return;
      case 'move':
        this.row = Math.min(op.row, this.rows - 1);
        this.col = Math.min(op.col, this.cols - 1);
        return;
      case 'clear':
        this.grid = this.grid.map(() => this.blank());
        this.row = 0;
        this.col = 0;
        return;
      case 'eol':
        for (let c = this.col; c < this.cols; c++) line[c] = ' ';
        return;
      case 'eof':
        this.apply({ kind: 'eol' });
        for (let r = this.row + 1; r < this.rows; r++) this.grid[r] = this.blank();
        return;
      case 'dlf':
        if (this.col < this.cols) line[this.col] = ' ';
        return;
      case 'crl':
        this.col = 0;
        if (this.row < this.rows - 1) this.grid[++this.row] = this.blank();
        else this.grid = [...this.grid.slice(1), this.blank()];
        return;
      case 'ilp': {
        const n = Math.min(op.count, this.rows - this.row);
        this.grid.splice(this.row, 0, ...Array.from({ length: n }, () => this.blank()));
        this.grid.length = this.rows;
        return;
      }
      case 'dlp': {
        const n = Math.min(op.count, this.rows - this.row);
        this.grid.splice(this.row, n);
        while (this.grid.length < this.rows) this.grid.push(this.blank());
        return;
      }
      case 'icp':
        if (this.col < this.cols) {
          line.splice(this.col, 0, ...Array<string>(op.count).fill(' '));
          line.length = this.cols;
        }
        return;
      case 'dcp':
        if (this.col < this.cols) {
          line.splice(this.col, op.count);
          while (line.length < this.cols) line.push(' ');
        }
        return;
      case 'fs':
        if (this.col < this.cols - 1) this.col++;
        return;
    }
  }
  rowsText(): string[] {
    const rows = this.grid.map((line) => line.join('').trimEnd());
    while (rows.length > 0 && rows[rows.length - 1] === '') rows.pop();
    return rows;
  }
}

type Op =
  | { kind: 'text'; text: string }
  | { kind: 'move'; row: number; col: number }
  | { kind: 'clear' | 'eol' | 'eof' | 'dlf' | 'crl' | 'fs' }
  | { kind: 'ilp' | 'dlp' | 'icp' | 'dcp'; count: number };

function encode(op: Op): number[] {
  switch (op.kind) {
    case 'text':
      return [...op.text].map((char) => char.charCodeAt(0));
    case 'move':
      return [Td.MV0, op.row, op.col];
    case 'clear':
      return [Td.CLR];
    case 'eol':
      return [Td.EOL];
    case 'eof':
      return [Td.EOF];
    case 'dlf':
      return [Td.DLF];
    case 'crl':
      return [Td.CRL];
    case 'fs':
      return [Td.FS];
    case 'ilp':
      return [Td.ILP, op.count];
    case 'dlp':
      return [Td.DLP, op.count];
    case 'icp':
      return [Td.ICP, op.count];
    case 'dcp':
      return [Td.DCP, op.count];
  }
}

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), text: fc.stringMatching(/^[a-z0-9 ]{1,12}$/) }),
  fc.record({ kind: fc.constant('move' as const), row: fc.nat(12), col: fc.nat(24) }),
  fc.record({
    kind: fc.constantFrom('clear', 'eol', 'eof', 'dlf', 'crl', 'fs' as const),
  }) as fc.Arbitrary<Op>,
  fc.record({
    kind: fc.constantFrom('ilp', 'dlp', 'icp', 'dcp' as const),
    count: fc.nat(12),
  }) as fc.Arbitrary<Op>,
);

describe('xterm.js agrees with RFC 734 on what the engine draws', () => {
  it('same screen and cursor as the model for random %TD programs (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const cols = 20;
        const rows = 8;
        const model = new ModelScreen(cols, rows);
        const terminal = headlessTerminal(cols, rows);
        const output: number[] = [];
        const client = createSupdupClient({ cols, rows }, (event) => {
          if (event.type === 'output') output.push(...event.data);
        });
        client.receive(Uint8Array.of(Td.NOP));
        for (const each of ops) {
          model.apply(each);
          client.receive(Uint8Array.from(encode(each)));
        }
        await write(terminal, Uint8Array.from(output));
        expect(screenRows(terminal)).toEqual(model.rowsText());
        expect(client.cursor).toEqual({ row: model.row, col: model.col });
        const buffer = terminal.buffer.active;
        expect([buffer.cursorY, Math.min(buffer.cursorX, cols - 1)]).toEqual([
          model.row,
          Math.min(model.col, cols - 1),
        ]);
        terminal.dispose();
      }),
      { numRuns: 400 },
    );
  });
});
