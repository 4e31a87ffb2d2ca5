import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './origin.js';

describe('isOriginAllowed', () => {
  const check = (origin: string | undefined, host: string | undefined, allowedOrigins: string[] = []) =>
    isOriginAllowed({ origin, host, allowedOrigins });

  it('allows the page of the gateway itself', () => {
    expect(check('http://localhost:8080', 'localhost:8080')).toBe(true);
    expect(check('http://LOCALHOST:8080', 'localhost:8080')).toBe(true);
    expect(check('http://example.org', 'example.org:80')).toBe(true);
    expect(check('https://example.org', 'example.org')).toBe(true);
    expect(check('http://[::1]:8080', '[::1]:8080')).toBe(true);
  });

  it('refuses other origins, ports and schemes', () => {
    expect(check('http://evil.example', 'localhost:8080')).toBe(false);
    expect(check('http://localhost:9999', 'localhost:8080')).toBe(false);
    expect(check('http://localhost.evil.example:8080', 'localhost:8080')).toBe(false);
    expect(check('https://example.org', 'example.org:80')).toBe(false);
    expect(check('null', 'localhost:8080')).toBe(false);
    expect(check('http://localhost:8080', undefined)).toBe(false);
    expect(check('http://localhost:8080', 'localhost:8080/evil')).toBe(false);
    expect(check('http://localhost:8080', 'localhost:99999')).toBe(false);
  });

  it('allows listed origins, or any with *', () => {
    expect(check('https://portal.example', 'gateway.example', ['https://portal.example'])).toBe(true);
    expect(check('https://portal.example:8443', 'gateway.example', ['https://portal.example'])).toBe(false);
    expect(check('https://anything.example', 'gateway.example', ['*'])).toBe(true);
  });

  it('lets clients without an Origin header through (they are not browsers)', () => {
    expect(check(undefined, 'localhost:8080')).toBe(true);
  });
});
