import { describe, expect, it } from 'vitest';
import { parsePorts, portAllowed } from './ports.js';

describe('parsePorts', () => {
  it('reads single ports, ranges and lists, sorted and merged', () => {
    expect(parsePorts(23)).toEqual({ ok: true, ranges: [{ from: 23, to: 23 }] });
    expect(parsePorts('1-65535')).toEqual({ ok: true, ranges: [{ from: 1, to: 65535 }] });
    expect(parsePorts(['4000 - 4100', 23, '24, 4050-4200'])).toEqual({
      ok: true,
      ranges: [
        { from: 23, to: 24 },
        { from: 4000, to: 4200 },
      ],
    });
  });

  it.each([
    [0, '"0": ports run from 1 to 65535'],
    ['65536', '"65536": ports run from 1 to 65535'],
    ['100-50', '"100-50": the range runs backwards'],
    ['23,', '"" is not a port or a range such as "1024-65535"'],
    ['telnet', '"telnet" is not a port or a range such as "1024-65535"'],
    [23.5, '"23.5" is not a port or a range such as "1024-65535"'],
    [[], 'must name at least one port'],
    [[{}], 'must be a port, a range such as "1024-65535", or a list of those'],
  ])('refuses %j', (spec, reason) => {
    expect(parsePorts(spec)).toEqual({ ok: false, reason });
  });
});

describe('portAllowed', () => {
  it('checks range bounds inclusively', () => {
    const ranges = [
      { from: 23, to: 23 },
      { from: 4000, to: 4100 },
    ];
    expect([22, 23, 24, 3999, 4000, 4100, 4101].map((p) => portAllowed(ranges, p))).toEqual([
      false,
      true,
      false,
      false,
      true,
      true,
      false,
    ]);
  });
});
