import { BlockList, isIP, SocketAddress } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cidrContains,
  cidrWithin,
  embeddedIpv4,
  formatIp,
  isLoopbackHost,
  parseCidr,
  parseIp,
  specialBlockOf,
} from './ip.js';

function mustParse(text: string): bigint {
  const address = parseIp(text);
  if (!address) throw new Error(`test setup: ${text} should parse`);
  return address.value;
}

function mustCidr(text: string) {
  const result = parseCidr(text);
  if (!result.ok) throw new Error(`test setup: ${text} should parse: ${result.reason}`);
  return result.cidr;
}

const ipv6Bits = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
const ipv4Bits = fc.bigInt({ min: 0n, max: 0xffffffffn });

describe('parseIp', () => {
  it('reads IPv4 and the IPv4-mapped IPv6 spellings of it as one address', () => {
    const plain = parseIp('127.0.0.1');
    expect(plain).toEqual({ family: 4, value: mustParse('::ffff:127.0.0.1') });
    expect(mustParse('::ffff:7f00:1')).toBe(plain!.value);
    expect(mustParse('0:0:0:0:0:ffff:127.0.0.1')).toBe(plain!.value);
    expect(parseIp('::ffff:7f00:1')?.family).toBe(4);
  });

  it('reads IPv6 forms: compressed, full, upper case, embedded dotted quad, zone', () => {
    expect(mustParse('::1')).toBe(1n);
    expect(mustParse('::')).toBe(0n);
    expect(mustParse('FE80::1')).toBe((0xfe80n << 112n) | 1n);
    expect(mustParse('fe80::1%eth0')).toBe((0xfe80n << 112n) | 1n);
    expect(mustParse('1:2:3:4:5:6:7:8')).toBe(0x0001_0002_0003_0004_0005_0006_0007_0008n);
    expect(mustParse('64:ff9b::192.0.2.33')).toBe((0x64ff9bn << 96n) | 0xc0000221n);
    expect(parseIp('2001:db8::1')?.family).toBe(6);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.0.0.1',
    '01.2.3.4',
    '0x7f.0.0.1',
    '2130706433',
    '127.1',
    ' 1.2.3.4',
    'localhost',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    ':::',
    '1:2:3:4:5:6:7::8',
    '12345::',
    '1.2.3.4::',
    '::1.2.3',
    'fe80::1%',
    '[::1]',
  ])('refuses %j', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  it('agrees with node:net about which IPv6 texts are addresses', () => {
    const piece = fc.constantFrom('0', '1', 'ff', 'ffff', 'abcd', '', '1.2.3.4', 'g', '12345');
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 10 }), (pieces) => {
        const text = pieces.join(':');
        expect(parseIp(text) !== undefined).toBe(isIP(text) !== 0);
      }),
    );
  });
});

describe('formatIp', () => {
  it('writes RFC 5952 text, exactly as node:net normalizes it', () => {
    fc.assert(
      fc.property(ipv6Bits, (value) => {
        const text = formatIp(value);
        expect(mustParse(text)).toBe(value);
        if (value >> 32n !== 0xffffn) {
          expect(text).toBe(new SocketAddress({ address: text, family: 'ipv6' }).address);
        }
      }),
    );
  });

  it('writes IPv4 addresses as dotted quads', () => {
    expect(formatIp(mustParse('::ffff:a00:1'))).toBe('10.0.0.1');
    expect(formatIp(mustParse('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
  });
});

describe('parseCidr', () => {
  it('parses IPv4 and IPv6 blocks and single hosts', () => {
    expect(mustCidr('10.0.0.0/8')).toMatchObject({ prefix: 104, text: '10.0.0.0/8' });
    expect(mustCidr('FE80::/10')).toMatchObject({ prefix: 10, text: 'fe80::/10' });
    expect(mustCidr('192.0.2.7')).toMatchObject({ prefix: 128, text: '192.0.2.7/32' });
    expect(mustCidr('0.0.0.0/0')).toMatchObject({ prefix: 96, text: '0.0.0.0/0' });
    expect(mustCidr('::/0')).toMatchObject({ prefix: 0, text: '::/0' });
  });

  it('explains what is wrong with a bad block', () => {
    expect(parseCidr('10.0.0.1/8')).toEqual({
      ok: false,
      reason: 'host bits are set; the block starting there is 10.0.0.0/8',
    });
    expect(parseCidr('10.0.0.0/33')).toEqual({
      ok: false,
      reason: 'prefix length must be a whole number from 0 to 32',
    });
    expect(parseCidr('example.org/24')).toEqual({
      ok: false,
      reason: '"example.org" is not an IPv4 or IPv6 address',
    });
    expect(parseCidr('fe80::%eth0/64').ok).toBe(false);
    expect(parseCidr('10.0.0.0/08').ok).toBe(false);
  });

  it('contains exactly the addresses node:net BlockList says it does', () => {
    fc.assert(
      fc.property(ipv4Bits, fc.integer({ min: 0, max: 32 }), ipv4Bits, (base, prefix, probe) => {
        const network = prefix === 0 ? 0n : (base >> BigInt(32 - prefix)) << BigInt(32 - prefix);
        const networkText = formatIp((0xffffn << 32n) | network);
        const probeText = formatIp((0xffffn << 32n) | probe);
        const list = new BlockList();
        list.addSubnet(networkText, prefix, 'ipv4');
        const block = mustCidr(`${networkText}/${prefix}`);
        expect(cidrContains(block, mustParse(probeText))).toBe(list.check(probeText, 'ipv4'));
      }),
    );
    fc.assert(
      fc.property(ipv6Bits, fc.integer({ min: 0, max: 128 }), ipv6Bits, (base, prefix, probe) => {
        const network = prefix === 0 ? 0n : (base >> BigInt(128 - prefix)) << BigInt(128 - prefix);
        const networkText = formatIp(network);
        // BlockList keeps the families apart for rules; skip the IPv4-mapped corner, covered above.
        fc.pre(network >> 32n !== 0xffffn && probe >> 32n !== 0xffffn);
        const probeText = formatIp(probe);
        const list = new BlockList();
        list.addSubnet(networkText, prefix, 'ipv6');
        const block = mustCidr(`${networkText}/${prefix}`);
        expect(cidrContains(block, probe)).toBe(list.check(probeText, 'ipv6'));
      }),
    );
  });

  it('knows when one block lies inside another', () => {
    expect(cidrWithin(mustCidr('10.1.0.0/16'), mustCidr('10.0.0.0/8'))).toBe(true);
    expect(cidrWithin(mustCidr('10.0.0.0/8'), mustCidr('10.0.0.0/8'))).toBe(true);
    expect(cidrWithin(mustCidr('0.0.0.0/0'), mustCidr('10.0.0.0/8'))).toBe(false);
    expect(cidrWithin(mustCidr('11.0.0.0/8'), mustCidr('10.0.0.0/8'))).toBe(false);
    expect(cidrWithin(mustCidr('127.0.0.1'), mustCidr('::ffff:0:0/96'))).toBe(true);
  });
});

describe('special-purpose address space', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['169.254.169.254', 'link-local (includes cloud metadata services)'],
    ['::ffff:169.254.169.254', 'link-local (includes cloud metadata services)'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['10.20.30.40', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'unique local (private)'],
    ['fdff::1', 'unique local (private)'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'this network'],
    ['0.1.2.3', 'this network'],
    ['::', 'unspecified'],
    ['::127.0.0.1', 'IPv4-compatible (deprecated)'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved (includes broadcast)'],
    ['ff02::1', 'multicast'],
  ])('%s is %s', (text, kind) => {
    expect(specialBlockOf(mustParse(text))?.kind).toBe(kind);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '172.15.255.255',
    '100.128.0.1',
    '169.255.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
  ])('%s is public', (text) => {
    expect(specialBlockOf(mustParse(text))).toBeUndefined();
  });

  it('finds the IPv4 address behind NAT64 and 6to4 addresses', () => {
    expect(embeddedIpv4(mustParse('64:ff9b::7f00:1'))).toBe(mustParse('127.0.0.1'));
    expect(embeddedIpv4(mustParse('64:ff9b::169.254.169.254'))).toBe(mustParse('169.254.169.254'));
    expect(embeddedIpv4(mustParse('2002:a9fe:a9fe::1'))).toBe(mustParse('169.254.169.254'));
    expect(embeddedIpv4(mustParse('::ffff:0:7f00:1'))).toBe(mustParse('127.0.0.1'));
    expect(specialBlockOf(mustParse('::ffff:0:808:808'))?.kind).toBe('IPv4-translated (RFC 2765)');
    expect(embeddedIpv4(mustParse('2606:4700::1111'))).toBeUndefined();
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST.', true],
    ['app.localhost', true],
    ['127.0.0.1', true],
    ['127.0.1.1', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['example.org', false],
    ['localhost.example.org', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
