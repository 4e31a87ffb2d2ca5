import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEnviron, encodeEnvironIs, environKind } from './environ.js';

describe('NEW-ENVIRON encoding (RFC 1572)', () => {
  it('sends well-known names as VAR and others as USERVAR', () => {
    expect(environKind('USER')).toBe('var');
    expect(environKind('DISPLAY')).toBe('var');
    expect(environKind('LANG')).toBe('uservar');
    expect(encodeEnvironIs([['USER', 'al']])).toEqual([0, 0, 0x55, 0x53, 0x45, 0x52, 1, 0x61, 0x6c]);
  });

  it('escapes VAR, VALUE, ESC and USERVAR bytes and decodes them back', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 })), {
          maxLength: 5,
        }),
        (vars) => {
          const latin1 = vars.map(
            ([n, v]) => [n.replace(/[^\x00-\xff]/g, '?'), v.replace(/[^\x00-\xff]/g, '?')] as const,
          );
          const decoded = decodeEnviron(Uint8Array.from(encodeEnvironIs(latin1).slice(1)));
          expect(decoded.map((d) => [d.name, d.value])).toEqual(latin1.map(([n, v]) => [n, v]));
        },
      ),
    );
  });

  it('reads a variable without VALUE as defined with no value, and ignores a dangling ESC', () => {
    expect(decodeEnviron(Uint8Array.of(0, 0x41, 3, 0x42, 1))).toEqual([
      { kind: 'var', name: 'A', value: undefined },
      { kind: 'uservar', name: 'B', value: '' },
    ]);
    expect(decodeEnviron(Uint8Array.of(0x41, 0, 0x43, 2))).toEqual([
      { kind: 'var', name: 'C', value: undefined },
    ]);
  });
});
