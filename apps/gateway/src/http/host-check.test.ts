import { describe, expect, it } from 'vitest';
import { hostOfHeader, isHostAllowed } from './host-check.js';

describe('hostOfHeader', () => {
  it('reads the host name of a Host header', () => {
    expect(hostOfHeader('LocalHost:8080')).toBe('localhost');
    expect(hostOfHeader('term.example.org.')).toBe('term.example.org');
    expect(hostOfHeader('[::1]:8080')).toBe('[::1]');
    expect(hostOfHeader('127.0.0.1')).toBe('[127.0.0.1]');
  });

  it.each([undefined, '', 'a b', 'localhost:8080/x', 'user@localhost', '[::1', 'localhost:123456'])(
    'refuses %j',
    (header) => {
      expect(hostOfHeader(header)).toBeUndefined();
    },
  );
});

describe('isHostAllowed', () => {
  const check = (host: string | undefined, publicHosts: string[] = [], listenHost = 'localhost') =>
    isHostAllowed({ host, publicHosts, listenHost });

  it('accepts loopback names and IP addresses on any port', () => {
    for (const host of ['localhost', 'localhost:8080', '127.0.0.1:8080', '[::1]:8080', '192.0.2.7:80']) {
      expect(check(host), host).toBe(true);
    }
  });

  it('refuses other names: a rebinding page sends its own', () => {
    expect(check('attacker.example:8080')).toBe(false);
    expect(check('localhost.attacker.example')).toBe(false);
    expect(check(undefined)).toBe(false);
  });

  it('accepts the listen host and the configured public hosts', () => {
    expect(check('gw.internal:8080', [], 'gw.internal')).toBe(true);
    expect(check('term.example.com', ['term.example.com'])).toBe(true);
    expect(check('a.example.net:443', ['*.example.net'])).toBe(true);
    expect(check('example.net', ['*.example.net'])).toBe(false);
    expect(check('evilexample.net', ['*.example.net'])).toBe(false);
  });
});
