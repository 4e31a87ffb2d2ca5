import { describe, expect, it } from 'vitest';
import { normalizeOrigin, originOfUrl } from './origin.js';

describe('normalizeOrigin', () => {
  it('writes origins the way browsers send them', () => {
    expect(normalizeOrigin('HTTPS://Example.ORG:443')).toBe('https://example.org');
    expect(normalizeOrigin('http://localhost:8080/')).toBe('http://localhost:8080');
    expect(normalizeOrigin('http://[::1]:8080')).toBe('http://[::1]:8080');
  });

  it.each([
    'null',
    'file:///tmp/x.html',
    'https://example.org/path',
    'https://example.org/?x=1',
    'https://example.org/#top',
    'https://u:p@example.org',
    'ws://example.org',
    'example.org',
    '',
  ])('refuses %j: it is not an http(s) origin', (text) => {
    expect(normalizeOrigin(text)).toBeUndefined();
  });
});

describe('originOfUrl', () => {
  it('takes the origin of a full URL, such as a referrer', () => {
    expect(originOfUrl('HTTPS://Portal.Example:443/admin?x=1#y')).toBe('https://portal.example');
    expect(originOfUrl('http://localhost:8080')).toBe('http://localhost:8080');
  });

  it.each(['file:///x', 'null', 'https://u:p@portal.example/', 'not a url'])('refuses %j', (text) => {
    expect(originOfUrl(text)).toBeUndefined();
  });
});
