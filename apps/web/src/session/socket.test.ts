import { describe, expect, it } from 'vitest';
import { describeConnectTarget, socketUrl } from './socket';

describe('socketUrl', () => {
  it('uses ws: or wss: on the page’s own host, whatever the page path', () => {
    expect(socketUrl('http://127.0.0.1:8080/kiosk?target=x', { kind: 'target', id: 'lab 1' })).toBe(
      'ws://127.0.0.1:8080/ws?target=lab+1',
    );
    expect(socketUrl('https://gw.example/embed?target=t', { kind: 'target', id: 't' }, 'a.b.c')).toBe(
      'wss://gw.example/ws?target=t&token=a.b.c',
    );
  });

  it('passes a free-form host and port', () => {
    expect(socketUrl('http://gw/', { kind: 'host', host: '::1', port: 2323 })).toBe(
      'ws://gw/ws?host=%3A%3A1&port=2323',
    );
    expect(socketUrl('http://gw/', { kind: 'host', host: 'h' })).toBe('ws://gw/ws?host=h');
  });

  it('passes the charset chosen for a free-form host', () => {
    expect(socketUrl('http://gw/', { kind: 'host', host: 'h', port: 23, charset: 'Shift_JIS' })).toBe(
      'ws://gw/ws?host=h&port=23&charset=Shift_JIS',
    );
  });
});

describe('describeConnectTarget', () => {
  it('names targets and hosts, with the port only when not 23', () => {
    expect(describeConnectTarget({ kind: 'target', id: 'demo' })).toBe('demo');
    expect(describeConnectTarget({ kind: 'host', host: 'h', port: 23 })).toBe('h');
    expect(describeConnectTarget({ kind: 'host', host: 'h', port: 2323 })).toBe('h:2323');
    expect(describeConnectTarget({ kind: 'host', host: '2001:db8::1', port: 2323 })).toBe(
      '[2001:db8::1]:2323',
    );
  });
});
