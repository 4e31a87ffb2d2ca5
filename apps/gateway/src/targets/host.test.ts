import { describe, expect, it } from 'vitest';
import { hostPortId, parseHost } from './host.js';

describe('parseHost', () => {
  it('reads names in lower case without the trailing dot', () => {
    expect(parseHost('BBS.Example.ORG.')).toEqual({ kind: 'name', text: 'bbs.example.org' });
    expect(parseHost('localhost')).toEqual({ kind: 'name', text: 'localhost' });
    expect(parseHost('my_host-1.example')).toEqual({ kind: 'name', text: 'my_host-1.example' });
  });

  it('reads IP addresses, IPv6 with or without brackets, into canonical text', () => {
    expect(parseHost('192.0.2.1')).toMatchObject({ kind: 'ip', text: '192.0.2.1' });
    expect(parseHost('[2001:DB8::0:1]')).toMatchObject({ kind: 'ip', text: '2001:db8::1' });
    expect(parseHost('2001:db8::1')).toMatchObject({ kind: 'ip', text: '2001:db8::1' });
    expect(parseHost('::ffff:7f00:1')).toMatchObject({ kind: 'ip', text: '127.0.0.1' });
  });

  it.each([
    '',
    ' ',
    'bad host',
    'a..b',
    '-a.example',
    'a-.example',
    'a/b',
    'user@host',
    'host:23',
    '[example.org]',
    'fe80::1%eth0',
    `${'a'.repeat(64)}.example`,
    // Numeric last labels are numeric addresses to resolvers: 127.0.0.1 in disguise.
    '2130706433',
    '127.1',
    '0177.0.0.1',
    '0x7f.1',
    '0x7f000001',
  ])('refuses %j', (text) => {
    expect(parseHost(text)).toBeUndefined();
  });
});

describe('hostPortId', () => {
  it('brackets IPv6 addresses only', () => {
    expect(hostPortId(parseHost('bbs.example')!, 23)).toBe('bbs.example:23');
    expect(hostPortId(parseHost('192.0.2.1')!, 2323)).toBe('192.0.2.1:2323');
    expect(hostPortId(parseHost('2001:db8::1')!, 23)).toBe('[2001:db8::1]:23');
  });
});
