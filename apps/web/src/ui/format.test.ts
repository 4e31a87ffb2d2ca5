import { describe, expect, it } from 'vitest';
import type { SessionSnapshot } from '../session/session';
import {
  connectionStatus,
  formatDuration,
  hostNameProblem,
  hostPort,
  saveName,
  secondsLeft,
  statusAnnouncement,
  targetName,
} from './format';

describe('formatDuration', () => {
  it('shows minutes and seconds, and hours when there are some', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(42_900)).toBe('0:42');
    expect(formatDuration(723_000)).toBe('12:03');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(-5)).toBe('0:00');
  });
});

describe('hostNameProblem', () => {
  it('accepts host names and IP addresses', () => {
    for (const host of [
      'bbs.example.org',
      'BBS.Example.org.',
      'localhost',
      'my_host-1',
      '10.0.0.1',
      '2001:db8::1',
      '[::1]',
    ])
      expect(hostNameProblem(host)).toBeUndefined();
  });

  it('says a name with spaces or other characters no host name has is not a valid host name', () => {
    for (const host of [
      'foo bar',
      'bbs.example.org/path',
      'user@bbs',
      'foo..bar',
      '-foo',
      '[bbs]',
      '[::1',
      'a:b:zz',
    ])
      expect(hostNameProblem(host)).toMatch(/^".*" is not a valid host name\./);
    expect(hostNameProblem('foo bar')).toBe(
      '"foo bar" is not a valid host name. Use a name such as bbs.example.org or an IP address.',
    );
  });
});

describe('hostPort', () => {
  it('brackets IPv6 addresses', () => {
    expect(hostPort('bbs.example.org', 23)).toBe('bbs.example.org:23');
    expect(hostPort('2001:db8::1', 2323)).toBe('[2001:db8::1]:2323');
  });
});

describe('targetName', () => {
  it('prefers the gateway’s label, then what was asked for', () => {
    const target = { id: 'demo', label: 'Demo host', host: 'h', port: 23, charset: 'UTF-8' };
    expect(targetName(target, { kind: 'target', id: 'demo' })).toBe('Demo host');
    expect(targetName(undefined, { kind: 'host', host: '::1', port: 2323 })).toBe('[::1]:2323');
    expect(targetName(undefined, { kind: 'host', host: 'h', port: 23 })).toBe('h');
    expect(targetName(undefined, undefined)).toBe('the host');
  });
});

describe('saveName', () => {
  it('is the target’s id, or the host and port asked for', () => {
    const target = { id: 'demo', label: 'Demo host', host: 'h', port: 23, charset: 'UTF-8' };
    expect(saveName(target, { kind: 'target', id: 'demo' })).toBe('demo');
    expect(saveName(undefined, { kind: 'host', host: 'bbs.example.org', port: 2323 })).toBe(
      'bbs.example.org:2323',
    );
    expect(saveName(undefined, undefined)).toBe('');
  });
});

describe('secondsLeft', () => {
  it('rounds up and never goes negative', () => {
    expect(secondsLeft(10_000, 7_500)).toBe(3);
    expect(secondsLeft(10_000, 11_000)).toBe(0);
  });
});

describe('connectionStatus', () => {
  const target = { id: 'demo', label: 'Demo host', host: 'h', port: 23, charset: 'UTF-8' };
  const snapshot = (change: Partial<SessionSnapshot>): SessionSnapshot => ({
    status: { phase: 'connected', since: 1_000 },
    target,
    options: [],
    logout: 'idle',
    autoLogoutWarning: false,
    notices: [],
    stalled: false,
    ...change,
  });

  it('shows how long the session has been connected', () => {
    expect(connectionStatus(snapshot({}), 43_000)).toEqual({
      state: 'connected',
      text: 'Connected to Demo host · 0:42',
    });
  });

  it('says the connection is stalled, without a clock, while the gateway is not answering', () => {
    const stalled = { state: 'stalled', text: 'Connection stalled: the gateway is not answering' };
    expect(connectionStatus(snapshot({ stalled: true }), 43_000)).toEqual(stalled);
    expect(
      connectionStatus(snapshot({ stalled: true, status: { phase: 'connecting', since: 1_000 } }), 43_000),
    ).toEqual(stalled);
  });

  it('names the other phases', () => {
    expect(connectionStatus(snapshot({ status: { phase: 'idle' } }), 0).state).toBe('idle');
    expect(connectionStatus(snapshot({ status: { phase: 'connecting', since: 0 } }), 0).text).toBe(
      'Connecting to Demo host…',
    );
    const ending = { message: 'The session has ended.', byUser: false };
    expect(
      connectionStatus(snapshot({ stalled: true, status: { phase: 'closed', at: 0, ending } }), 0),
    ).toEqual({ state: 'closed', text: 'Connection closed' });
  });

  it('announces each change once, without the ticking clock', () => {
    expect(statusAnnouncement(snapshot({}))).toBe('Connected to Demo host');
    expect(statusAnnouncement(snapshot({ status: { phase: 'connected', since: 0 } }))).toBe(
      statusAnnouncement(snapshot({ status: { phase: 'connected', since: 99_000 } })),
    );
    expect(statusAnnouncement(snapshot({ status: { phase: 'idle' } }))).toBe('');
    expect(statusAnnouncement(snapshot({ status: { phase: 'connecting', since: 0 } }))).toBe(
      'Connecting to Demo host…',
    );
    expect(statusAnnouncement(snapshot({ stalled: true }))).toBe(
      'Connection stalled: the gateway is not answering',
    );
    const ending = { message: 'The session has ended.', byUser: true };
    expect(statusAnnouncement(snapshot({ status: { phase: 'closed', at: 0, ending } }))).toBe('Disconnected');
  });
});
