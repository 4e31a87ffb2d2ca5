import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../session/trace-log';
import { optionRows, traceLine } from './model';

const entry = (seq: number, direction: 'in' | 'out', bytes: number[]): TraceEntry => ({
  seq,
  at: new Date(2024, 0, 2, 14, 3, 7, 120).getTime(),
  direction,
  bytes: Uint8Array.from(bytes),
});

describe('traceLine', () => {
  it('describes a command with its time and direction', () => {
    expect(traceLine(entry(1, 'in', [255, 253, 31]))).toEqual({
      seq: 1,
      time: '14:03:07.120',
      arrow: '←',
      direction: 'in',
      text: 'DO NAWS',
    });
    expect(traceLine(entry(2, 'out', [255, 250, 31, 0, 120, 0, 40, 255, 240]))).toMatchObject({
      arrow: '→',
      text: 'SB NAWS 120 40',
    });
  });
});

describe('optionRows', () => {
  it('lists reported options and the ones only negotiated, by code', () => {
    const trace = [
      entry(1, 'in', [255, 253, 24]),
      entry(2, 'out', [255, 252, 24]),
      entry(3, 'in', [255, 246]),
    ];
    const rows = optionRows(
      [
        { option: 1, local: false, remote: true },
        { option: 31, local: true, remote: false },
      ],
      trace,
    );
    expect(rows).toEqual([
      { code: 1, name: 'ECHO', local: false, remote: true },
      { code: 24, name: 'TTYPE', local: false, remote: false },
      { code: 31, name: 'NAWS', local: true, remote: false },
    ]);
  });
});
