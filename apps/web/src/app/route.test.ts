import { describe, expect, it } from 'vitest';
import { parsePort, parseRoute, standaloneHref, watchHref } from './route';

describe('parseRoute', () => {
  it('shows the connect screen at /', () => {
    expect(parseRoute('/', '')).toEqual({ mode: 'standalone', renderer: 'auto' });
    expect(parseRoute('/index.html', '?target=')).toEqual({ mode: 'standalone', renderer: 'auto' });
  });

  it('opens a target or a free-form host straight from the URL', () => {
    expect(parseRoute('/', '?target=demo')).toEqual({
      mode: 'standalone',
      renderer: 'auto',
      connect: { kind: 'target', id: 'demo' },
    });
    expect(parseRoute('/', '?host=bbs.example.org&port=2323&renderer=dom&theme=light')).toEqual({
      mode: 'standalone',
      renderer: 'dom',
      theme: 'light',
      connect: { kind: 'host', host: 'bbs.example.org', port: 2323 },
    });
    expect(parseRoute('/', '?host=h')).toMatchObject({ connect: { kind: 'host', host: 'h' } });
  });

  it('explains a bad port instead of guessing', () => {
    expect(parseRoute('/', '?host=h&port=99999')).toMatchObject({ mode: 'invalid' });
    expect(parseRoute('/', '?host=h&port=23x')).toMatchObject({ mode: 'invalid' });
  });

  it('parses the embed options', () => {
    expect(parseRoute('/embed', '?target=t1&token=abc.def&bar=1&theme=dark')).toEqual({
      mode: 'embed',
      renderer: 'auto',
      theme: 'dark',
      target: 't1',
      token: 'abc.def',
      bar: true,
      autoConnect: true,
    });
    expect(parseRoute('/embed/', '?target=t1&autoconnect=0')).toMatchObject({
      bar: false,
      autoConnect: false,
    });
    expect(parseRoute('/embed', '?token=x')).toMatchObject({ mode: 'invalid' });
  });

  it('needs a target for a kiosk, and ignores an unknown theme', () => {
    expect(parseRoute('/kiosk', '?target=lab&theme=neon')).toEqual({
      mode: 'kiosk',
      renderer: 'auto',
      target: 'lab',
    });
    expect(parseRoute('/kiosk', '')).toMatchObject({ mode: 'invalid' });
  });

  it('opens a live session read-only with ?watch=, and builds that link', () => {
    expect(parseRoute('/', '?watch=s-1&token=a.b.c&gw=gw-2&target=ignored')).toEqual({
      mode: 'watch',
      renderer: 'auto',
      sessionId: 's-1',
      token: 'a.b.c',
      gateway: 'gw-2',
    });
    expect(parseRoute('/', '?watch=s-1')).toEqual({ mode: 'watch', renderer: 'auto', sessionId: 's-1' });
    expect(parseRoute('/', '?watch=')).toEqual({ mode: 'standalone', renderer: 'auto' });
    const href = watchHref('s 1/x', 'a.b.c');
    expect(href).toBe('/?watch=s+1%2Fx&token=a.b.c');
    const url = new URL(href, 'https://gw.example');
    expect(parseRoute(url.pathname, url.search)).toMatchObject({ sessionId: 's 1/x', token: 'a.b.c' });
    expect(watchHref('s1', undefined, 'gw-b')).toBe('/?watch=s1&gw=gw-b');
  });

  it('refuses paths it does not serve', () => {
    expect(parseRoute('/admin', '')).toEqual({ mode: 'invalid', message: 'There is no page at /admin.' });
  });
});

describe('standaloneHref', () => {
  it('round-trips through parseRoute', () => {
    const connect = { kind: 'host', host: 'a b&c', port: 23 } as const;
    const href = standaloneHref(connect);
    const url = new URL(href, 'http://x');
    expect(parseRoute(url.pathname, url.search)).toMatchObject({ connect });
    const withCharset = { kind: 'host', host: 'bbs', port: 2323, charset: 'CP437' } as const;
    expect(standaloneHref(withCharset)).toBe('/?host=bbs&port=2323&charset=CP437');
    expect(parseRoute('/', '?host=bbs&port=2323&charset=CP437')).toMatchObject({ connect: withCharset });
    expect(parseRoute('/', '?host=bbs&charset=KOI8-R')).toMatchObject({
      connect: { kind: 'host', host: 'bbs', charset: 'KOI8-R' },
    });
    expect(standaloneHref({ kind: 'target', id: 'demo' })).toBe('/?target=demo');
    expect(standaloneHref(undefined)).toBe('/');
  });
});

describe('parsePort', () => {
  it('accepts 1 to 65535 only', () => {
    expect(parsePort('23')).toBe(23);
    expect(parsePort(' 65535 ')).toBe(65535);
    expect(parsePort('0')).toBeUndefined();
    expect(parsePort('1e3')).toBeUndefined();
    expect(parsePort('-1')).toBeUndefined();
  });
});

describe('the recordings page', () => {
  it('is at /recordings, with the operator token from the link when given', () => {
    expect(parseRoute('/recordings', '?token=abc')).toEqual({
      mode: 'recordings',
      renderer: 'auto',
      token: 'abc',
    });
    expect(parseRoute('/recordings/', '')).toEqual({ mode: 'recordings', renderer: 'auto' });
  });
});
