import { describe, expect, it } from 'vitest';
import { arrowKey, withCtrl } from './keys';

describe('withCtrl', () => {
  it('turns letters into their control codes, either case', () => {
    expect(withCtrl('c')).toBe('\x03');
    expect(withCtrl('C')).toBe('\x03');
    expect(withCtrl('a')).toBe('\x01');
    expect(withCtrl('z')).toBe('\x1a');
  });

  it('maps the VT100 symbols and leaves everything else alone', () => {
    expect(withCtrl(']')).toBe('\x1d');
    expect(withCtrl('[')).toBe('\x1b');
    expect(withCtrl(' ')).toBe('\x00');
    expect(withCtrl('?')).toBe('\x7f');
    expect(withCtrl('é')).toBe('é');
    expect(withCtrl('ab')).toBe('ab');
  });
});

describe('arrowKey', () => {
  it('follows the application cursor mode', () => {
    expect(arrowKey('up', false)).toBe('\x1b[A');
    expect(arrowKey('left', true)).toBe('\x1bOD');
  });
});
