import { describe, expect, it } from 'vitest';
import { codePointWidth, graphemes, graphemeWidth } from './cell-width';

describe('cell widths', () => {
  it('gives ASCII and Latin one cell, CJK and emoji two, combining marks none', () => {
    expect(codePointWidth(0x61)).toBe(1);
    expect(codePointWidth(0xe9)).toBe(1);
    expect(codePointWidth(0x6f22)).toBe(2); // 漢
    expect(codePointWidth(0xac00)).toBe(2); // 가
    expect(codePointWidth(0xff21)).toBe(2); // fullwidth A
    expect(codePointWidth(0x1f600)).toBe(2); // 😀
    expect(codePointWidth(0x0301)).toBe(0); // combining acute
    expect(codePointWidth(0x200d)).toBe(0); // zero width joiner
  });

  it('measures and splits graphemes', () => {
    expect(graphemes('ae\u0301👍🏽')).toEqual(['a', 'e\u0301', '👍🏽']);
    expect(graphemeWidth('e\u0301')).toBe(1);
    expect(graphemeWidth('👍🏽')).toBe(2);
  });
});
