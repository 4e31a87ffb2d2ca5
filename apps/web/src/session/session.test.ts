import { AUTO_LOGIN_NOTICE, GATEWAY_ERRORS, type TargetInfo } from '@telgate/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeSockets } from '../testing/fake-socket';
import { PAGE_ERRORS } from './ending';
import { INFO_NOTICE_MS, isInformational, type OutputSink, TelgateSession } from './session';

const TARGET: TargetInfo = { id: 'demo', label: 'Demo', host: '127.0.0.1', port: 2323, charset: 'UTF-8' };
const SETTINGS = {
  eol: 'crlf',
  backspace: 'del',
  localEcho: 'auto',
  charset: 'UTF-8',
  remoteEcho: false,
} as const;

/** A session on a fake socket, with ACK batches flushed by hand (`runAcks`) and a settable clock. */
function setup() {
  const net = fakeSockets();
  const queued: (() => void)[] = [];
  let time = 1_000;
  const session = new TelgateSession({
    pageUrl: 'https://gw.example/?target=demo',
    createSocket: net.factory,
    now: () => time,
    scheduleAck: (task) => queued.push(task),
    ackThreshold: 100,
  });
  const runAcks = () => {
    for (const task of queued.splice(0)) task();
  };
  const advance = (ms: number) => {
    time += ms;
  };
  return { session, net, runAcks, advance };
}

function connected(protocol?: string) {
  const env = setup();
  env.session.resize(80, 24);
  env.session.connect({ kind: 'target', id: 'demo' }, 'tok');
  const socket = env.net.latest();
  socket.open(protocol);
  socket.receive({ type: 'state', state: 'connecting', target: TARGET, sessionId: 's1' });
  socket.receive({ type: 'state', state: 'connected', target: TARGET, sessionId: 's1' });
  socket.receive({ type: 'settings', settings: SETTINGS });
  return { ...env, socket };
}

/** A sink that holds writes until the test "renders" them. */
function manualSink() {
  const writes: { data: Uint8Array; rendered: () => void }[] = [];
  const sink: OutputSink = { write: (data, rendered) => writes.push({ data, rendered }) };
  return { sink, writes };
}

describe('TelgateSession connecting', () => {
  it('opens /ws on the page origin offering telgate.v2 then telgate.v1 and sends the size first', () => {
    const { session, net } = setup();
    session.resize(120, 40);
    session.connect({ kind: 'target', id: 'demo' }, 'abc');
    const socket = net.latest();
    expect(socket.url).toBe('wss://gw.example/ws?target=demo&token=abc');
    expect(socket.offeredProtocols).toEqual(['telgate.v2', 'telgate.v1']);
    expect(session.getSnapshot().status).toEqual({ phase: 'connecting', since: 1_000 });
    socket.open();
    expect(socket.sent).toEqual([{ type: 'resize', cols: 120, rows: 40 }]);
  });

  it('follows the STATE frames and reports the connection', () => {
    const { session, net, advance } = setup();
    const connectedEvents = vi.fn();
    session.on('connected', connectedEvents);
    session.connect({ kind: 'target', id: 'demo' });
    const socket = net.latest();
    socket.open();
    socket.receive({ type: 'state', state: 'connecting', target: TARGET, sessionId: 's1' });
    expect(session.getSnapshot().status.phase).toBe('connecting');
    expect(session.getSnapshot().target).toEqual(TARGET);
    advance(500);
    socket.receive({ type: 'state', state: 'connected', target: TARGET, sessionId: 's1' });
    expect(session.getSnapshot().status).toEqual({ phase: 'connected', since: 1_500 });
    expect(connectedEvents).toHaveBeenCalledWith({ target: TARGET, sessionId: 's1' });
  });

  it('sends a resize only when the size changes', () => {
    const { session, socket } = connected();
    session.resize(80, 24);
    session.resize(100, 30);
    session.resize(100, 30);
    expect(socket.framesOf('resize')).toEqual([
      { type: 'resize', cols: 80, rows: 24 },
      { type: 'resize', cols: 100, rows: 30 },
    ]);
  });

  it('keeps the snapshot of settings, options and trace', () => {
    const { session, socket } = connected();
    socket.receive({ type: 'option', side: 'remote', option: 1, enabled: true });
    socket.receive({ type: 'option', side: 'local', option: 31, enabled: true });
    socket.receive({ type: 'option', side: 'local', option: 24, enabled: true });
    socket.receive({ type: 'option', side: 'local', option: 24, enabled: false });
    socket.receive({ type: 'trace', direction: 'in', bytes: Uint8Array.of(255, 253, 31) });
    const snapshot = session.getSnapshot();
    expect(snapshot.settings).toEqual(SETTINGS);
    expect(snapshot.options).toEqual([
      { option: 1, local: false, remote: true },
      { option: 24, local: false, remote: false },
      { option: 31, local: true, remote: false },
    ]);
    expect(session.trace.entries().map((e) => [e.direction, [...e.bytes]])).toEqual([['in', [255, 253, 31]]]);
  });
});

describe('TelgateSession flow control', () => {
  it('acknowledges output once rendered, coalescing a batch into one ACK', () => {
    const { session, socket, runAcks } = connected();
    const { sink, writes } = manualSink();
    session.attachOutput(sink);
    socket.receive({ type: 'output', data: new TextEncoder().encode('login: ') });
    socket.receive({ type: 'output', data: new TextEncoder().encode('abc') });
    expect(writes.map((w) => new TextDecoder().decode(w.data))).toEqual(['login: ', 'abc']);
    runAcks();
    expect(socket.framesOf('ack')).toEqual([]); // nothing rendered yet
    writes[0]!.rendered();
    writes[1]!.rendered();
    runAcks();
    expect(socket.framesOf('ack')).toEqual([{ type: 'ack', count: 10 }]);
  });

  it('acknowledges at once when a batch reaches the threshold', () => {
    const { session, socket } = connected();
    const { sink, writes } = manualSink();
    session.attachOutput(sink);
    socket.receive({ type: 'output', data: new Uint8Array(60) });
    socket.receive({ type: 'output', data: new Uint8Array(60) });
    writes[0]!.rendered();
    expect(socket.framesOf('ack')).toEqual([]);
    writes[1]!.rendered();
    expect(socket.framesOf('ack')).toEqual([{ type: 'ack', count: 120 }]);
  });

  it('never acknowledges empty output, or output of a connection that ended', () => {
    const { session, socket, runAcks } = connected();
    const { sink, writes } = manualSink();
    session.attachOutput(sink);
    socket.receive({ type: 'output', data: new Uint8Array(0) });
    expect(writes).toEqual([]);
    socket.receive({ type: 'output', data: new Uint8Array(5) });
    session.disconnect();
    writes[0]!.rendered();
    runAcks();
    expect(socket.framesOf('ack')).toEqual([]);
  });

  it('acknowledges output at once when no terminal is attached', () => {
    const { socket, runAcks } = connected();
    socket.receive({ type: 'output', data: new Uint8Array(7) });
    runAcks();
    expect(socket.framesOf('ack')).toEqual([{ type: 'ack', count: 7 }]);
  });
});

describe('TelgateSession sending', () => {
  it('sends input, actions and settings only while connected', () => {
    const { session, net } = setup();
    session.connect({ kind: 'target', id: 'demo' });
    const socket = net.latest();
    socket.open();
    expect(session.sendInput('early')).toBe(false);
    socket.receive({ type: 'state', state: 'connected' });
    expect(session.sendInput('héllo\r')).toBe(true);
    expect(session.sendAction('interrupt')).toBe(true);
    expect(session.updateSettings({ eol: 'lf' })).toBe(true);
    expect(socket.sent.slice(-3)).toEqual([
      { type: 'input', data: new TextEncoder().encode('héllo\r') },
      { type: 'action', action: 'interrupt' },
      { type: 'settings', settings: { eol: 'lf' } },
    ]);
  });

  it('tells listeners about settings the user changed, only once they are sent', () => {
    const { session, net } = setup();
    const chosen = vi.fn();
    session.on('settings', chosen);
    session.connect({ kind: 'target', id: 'demo' });
    net.latest().open();
    expect(session.updateSettings({ eol: 'crnul' })).toBe(false);
    net.latest().receive({ type: 'state', state: 'connected' });
    expect(session.updateSettings({ backspace: 'bs' })).toBe(true);
    expect(chosen.mock.calls).toEqual([[{ backspace: 'bs' }]]);
  });

  it('runs the logout flow: pending, then the host’s answer', () => {
    const { session, socket } = connected();
    const results = vi.fn();
    session.on('logout', results);
    expect(session.logout()).toBe(true);
    expect(session.logout()).toBe(false); // one at a time
    expect(socket.framesOf('action')).toEqual([{ type: 'action', action: 'logout' }]);
    expect(session.getSnapshot().logout).toBe('pending');
    socket.receive({ type: 'logout-result', result: 'refused' });
    expect(session.getSnapshot().logout).toBe('refused');
    expect(results).toHaveBeenCalledWith('refused');
    session.dismissLogout();
    expect(session.getSnapshot().logout).toBe('idle');
  });

  it('shows an auto-logout warning until the user stays logged in', () => {
    const { session, socket } = connected();
    socket.receive({ type: 'notice', notice: { kind: 'auto-logout-warning' } });
    expect(session.getSnapshot().autoLogoutWarning).toBe(true);
    expect(session.stayLoggedIn()).toBe(true);
    expect(socket.framesOf('action')).toEqual([{ type: 'action', action: 'stay-logged-in' }]);
    expect(session.getSnapshot().autoLogoutWarning).toBe(false);
  });

  it('knows the session speaks SUPDUP, with the terminal sent, until the next connection', () => {
    const { session, socket } = connected();
    expect(session.getSnapshot().supdup).toBeUndefined();
    const terminal = { cols: 80, rows: 24, ttyopt: ['%TOMVB', '%TPCBS'] };
    socket.receive({ type: 'notice', notice: { kind: 'supdup', terminal } });
    expect(session.getSnapshot().supdup).toEqual({ terminal });
    session.connect({ kind: 'target', id: 'other' });
    expect(session.getSnapshot().supdup).toBeUndefined();
  });

  it('keeps warnings as dismissable notices', () => {
    const { session, socket } = connected();
    socket.receive({
      type: 'notice',
      notice: { kind: 'warning', code: 'TELNET_ERR_BAD_IAC', message: 'bad IAC' },
    });
    const [entry] = session.getSnapshot().notices;
    expect(entry?.notice).toEqual({ kind: 'warning', code: 'TELNET_ERR_BAD_IAC', message: 'bad IAC' });
    session.dismissNotice(entry!.id);
    expect(session.getSnapshot().notices).toEqual([]);
  });

  it('keeps one notice for skipped output, with the bytes skipped in all, until it is dismissed', () => {
    const { session, socket } = connected('telgate.v2');
    const warning = { kind: 'warning', code: 'TELNET_ERR_BAD_IAC', message: 'bad IAC' } as const;
    socket.receive({ type: 'notice', notice: { kind: 'output-skipped', bytes: 1000 } });
    socket.receive({ type: 'notice', notice: warning });
    socket.receive({ type: 'notice', notice: { kind: 'output-skipped', bytes: 500 } });
    expect(session.getSnapshot().notices.map((e) => e.notice)).toEqual([
      warning,
      { kind: 'output-skipped', bytes: 1500 },
    ]);
    session.dismissNotice(session.getSnapshot().notices[1]!.id);
    socket.receive({ type: 'notice', notice: { kind: 'output-skipped', bytes: 20 } });
    expect(session.getSnapshot().notices.map((e) => e.notice)).toEqual([
      warning,
      { kind: 'output-skipped', bytes: 20 },
    ]);
  });

  it('keeps the observer count from the observers notice, not as a notice to dismiss', () => {
    const { session, socket } = connected('telgate.v2');
    expect(session.getSnapshot().observers).toBe(0);
    socket.receive({ type: 'notice', notice: { kind: 'observers', count: 2 } });
    expect(session.getSnapshot().observers).toBe(2);
    socket.receive({ type: 'notice', notice: { kind: 'observers', count: 0 } });
    expect(session.getSnapshot().observers).toBe(0);
    expect(session.getSnapshot().notices).toEqual([]);
  });

  it('lets an informational notice (automatic sign-in) pass by itself; a warning stays', () => {
    vi.useFakeTimers();
    try {
      const { session, socket } = connected();
      const signedIn = {
        kind: 'warning',
        code: AUTO_LOGIN_NOTICE.signedIn,
        message: 'Signed in as alice automatically',
      } as const;
      const failed = {
        kind: 'warning',
        code: AUTO_LOGIN_NOTICE.failed,
        message: 'Automatic sign-in failed: no login prompt within 10 s of connecting',
      } as const;
      socket.receive({ type: 'notice', notice: signedIn });
      socket.receive({ type: 'notice', notice: failed });
      expect(isInformational(signedIn)).toBe(true);
      expect(isInformational(failed)).toBe(false);
      expect(session.getSnapshot().notices.map((e) => e.notice)).toEqual([signedIn, failed]);
      vi.advanceTimersByTime(INFO_NOTICE_MS);
      expect(session.getSnapshot().notices.map((e) => e.notice)).toEqual([failed]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('TelgateSession endings', () => {
  it('takes the reason from the STATE closed frame', () => {
    const { session, socket } = connected();
    const closed = vi.fn();
    session.on('closed', closed);
    socket.receive({
      type: 'state',
      state: 'closed',
      code: 'GW_ERR_HOST_REFUSED',
      reason: 'connect ECONNREFUSED 127.0.0.1:2323',
    });
    socket.serverClose(4004, 'GW_ERR_HOST_REFUSED');
    const status = session.getSnapshot().status;
    expect(status.phase).toBe('closed');
    const ending = status.phase === 'closed' ? status.ending : undefined;
    expect(ending).toEqual({
      code: 'GW_ERR_HOST_REFUSED',
      message: GATEWAY_ERRORS.GW_ERR_HOST_REFUSED.message,
      detail: 'connect ECONNREFUSED 127.0.0.1:2323',
      byUser: false,
    });
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it('takes the reason from the close code when no STATE frame came', () => {
    const { session, socket } = connected();
    socket.serverClose(4009, 'GW_ERR_IDLE_TIMEOUT');
    const status = session.getSnapshot().status;
    expect(status.phase === 'closed' && status.ending.code).toBe('GW_ERR_IDLE_TIMEOUT');
  });

  it('tells an unreachable gateway from a lost connection', () => {
    const first = setup();
    first.session.connect({ kind: 'target', id: 'demo' });
    first.net.latest().serverClose(1006);
    const never = first.session.getSnapshot().status;
    expect(never.phase === 'closed' && never.ending.code).toBe('WEB_ERR_GATEWAY_UNREACHABLE');

    const second = connected();
    second.socket.serverClose(1006);
    const lost = second.session.getSnapshot().status;
    expect(lost.phase === 'closed' && lost.ending.message).toBe(PAGE_ERRORS.WEB_ERR_CONNECTION_LOST);
  });

  it('closes with GW_ERR_BAD_FRAME on a malformed frame or a text message', () => {
    const malformed = connected();
    malformed.socket.receiveRaw(Uint8Array.of(0x83, 2, 1, 1).buffer);
    expect(malformed.socket.closedWith).toEqual({ code: 4011, reason: 'GW_ERR_BAD_FRAME' });
    const status = malformed.session.getSnapshot().status;
    expect(status.phase === 'closed' && status.ending).toMatchObject({
      code: 'WEB_ERR_BAD_FRAME',
      detail: 'OPTION side must be 0 (local) or 1 (remote), got 0x02',
    });

    const text = connected();
    text.socket.receiveRaw('hello');
    expect(text.socket.closedWith?.code).toBe(4011);
  });

  it('refuses a gateway that did not select telgate.v1', () => {
    const { session, net } = setup();
    session.connect({ kind: 'target', id: 'demo' });
    net.latest().open('other');
    const status = session.getSnapshot().status;
    expect(status.phase === 'closed' && status.ending.code).toBe('WEB_ERR_SUBPROTOCOL');
  });

  it('reports a close by the user as such, and ignores the socket afterwards', () => {
    const { session, socket } = connected();
    session.disconnect();
    expect(socket.closedWith).toEqual({ code: 1000, reason: undefined });
    socket.serverClose(4007);
    const status = session.getSnapshot().status;
    expect(status.phase === 'closed' && status.ending.byUser).toBe(true);
  });

  it('reconnects to the same target with the same token, ignoring the old socket', () => {
    const { session, net, socket } = connected();
    socket.receive({ type: 'trace', direction: 'in', bytes: Uint8Array.of(255, 251, 1) });
    socket.serverClose(4007);
    session.reconnect();
    const next = net.latest();
    expect(next).not.toBe(socket);
    expect(next.url).toBe('wss://gw.example/ws?target=demo&token=tok');
    expect(session.trace.entries()).toEqual([]);
    socket.receive({ type: 'state', state: 'connected' });
    expect(session.getSnapshot().status.phase).toBe('connecting');
  });

  it('connects to a free-form host', () => {
    const { session, net } = setup();
    session.connect({ kind: 'host', host: 'bbs.example.org', port: 2323 });
    expect(net.latest().url).toBe('wss://gw.example/ws?host=bbs.example.org&port=2323');
  });
});

describe('TelgateSession stall watch', () => {
  /** A connected session on fake timers, whose clock is the faked Date.now. */
  function onFakeTimers() {
    vi.useFakeTimers();
    const net = fakeSockets();
    const session = new TelgateSession({
      pageUrl: 'https://gw.example/?target=demo',
      createSocket: net.factory,
      now: () => Date.now(),
      scheduleAck: (task) => task(),
    });
    session.connect({ kind: 'target', id: 'demo' });
    const socket = net.latest();
    socket.open();
    socket.receive({ type: 'state', state: 'connecting', target: TARGET, sessionId: 's1' });
    socket.receive({ type: 'heartbeat', intervalMs: 10_000 });
    socket.receive({ type: 'state', state: 'connected', target: TARGET, sessionId: 's1' });
    return { session, socket, net };
  }
  afterEach(() => {
    vi.useRealTimers();
  });

  it('marks the connection stalled after twice the heartbeat interval without a frame, and clears it when frames come again', () => {
    const { session, socket } = onFakeTimers();
    // Heartbeats and output keep it fresh, however long the session lasts.
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(10_000);
      socket.receive({ type: 'heartbeat', intervalMs: 10_000 });
    }
    vi.advanceTimersByTime(15_000);
    socket.receive({ type: 'output', data: Uint8Array.of(0x41) });
    vi.advanceTimersByTime(19_999);
    expect(session.getSnapshot().stalled).toBe(false);

    vi.advanceTimersByTime(1);
    expect(session.getSnapshot()).toMatchObject({ stalled: true, status: { phase: 'connected' } });
    vi.advanceTimersByTime(60_000);
    expect(session.getSnapshot().stalled).toBe(true);

    socket.receive({ type: 'heartbeat', intervalMs: 10_000 });
    expect(session.getSnapshot().stalled).toBe(false);
    vi.advanceTimersByTime(20_000);
    expect(session.getSnapshot().stalled).toBe(true);
  });

  it('is not stalled once closed, and never watches a gateway that sends no heartbeats', () => {
    const { session, socket, net } = onFakeTimers();
    vi.advanceTimersByTime(20_000);
    expect(session.getSnapshot().stalled).toBe(true);
    socket.serverClose(1006);
    expect(session.getSnapshot()).toMatchObject({ stalled: false, status: { phase: 'closed' } });
    vi.advanceTimersByTime(60_000);
    expect(session.getSnapshot().stalled).toBe(false);
    expect(vi.getTimerCount()).toBe(0);

    // An older gateway: no HEARTBEAT, so a quiet session stays "connected".
    session.connect({ kind: 'target', id: 'demo' });
    const quiet = net.latest();
    quiet.open();
    quiet.receive({ type: 'state', state: 'connected', target: TARGET, sessionId: 's2' });
    vi.advanceTimersByTime(10 * 60_000);
    expect(session.getSnapshot()).toMatchObject({ stalled: false, status: { phase: 'connected' } });
  });
});

describe('TelgateSession watching another session', () => {
  /** An observer on telgate.v2: STATE connected without `resume`, then the screen as it stands. */
  function watching() {
    const env = setup();
    env.session.resize(80, 24);
    env.session.watch('s9', 'watch-token', 'gw-b');
    const socket = env.net.latest();
    socket.open('telgate.v2');
    socket.receive({ type: 'state', state: 'connecting', target: TARGET, sessionId: 's9' });
    socket.receive({ type: 'state', state: 'connected', target: TARGET, sessionId: 's9' });
    socket.receive({ type: 'settings', settings: SETTINGS });
    return { ...env, socket };
  }

  it('opens /ws?watch= with the token and gateway, and sends nothing: no size, not on connect', () => {
    const { session, socket } = watching();
    expect(socket.url).toBe('wss://gw.example/ws?watch=s9&token=watch-token&gw=gw-b');
    expect(socket.offeredProtocols).toEqual(['telgate.v2', 'telgate.v1']);
    expect(session.getSnapshot()).toMatchObject({ status: { phase: 'connected' }, watching: 's9' });
    expect(session.isWatching).toBe(true);
    expect(socket.sent).toEqual([]);
  });

  it('shows the screen and the output, and never sends input, actions, settings, sizes or ACKs', () => {
    const { session, socket, runAcks } = watching();
    const shown: string[] = [];
    session.attachOutput({
      write: (data, rendered) => {
        shown.push(new TextDecoder().decode(data));
        rendered();
      },
      screen: (cols, rows, data, rendered) => {
        shown.push(`${cols}x${rows}:${new TextDecoder().decode(data)}`);
        rendered();
      },
    });
    socket.receive({ type: 'screen', cols: 100, rows: 30, data: new TextEncoder().encode('$ ') });
    socket.receive({ type: 'output', data: new TextEncoder().encode('x'.repeat(500)) });
    runAcks();
    expect(shown).toEqual(['100x30:$ ', 'x'.repeat(500)]);
    expect(session.sendInput('rm -rf /\r')).toBe(false);
    expect(session.sendAction('interrupt')).toBe(false);
    expect(session.logout()).toBe(false);
    expect(session.stayLoggedIn()).toBe(false);
    expect(session.updateSettings({ eol: 'lf' })).toBe(false);
    session.resize(132, 50);
    runAcks();
    expect(socket.sent).toEqual([]);
  });

  it('ends when the watched session ends (close 1000), without resuming, and watches again on reconnect', () => {
    const { session, socket, net } = watching();
    socket.serverClose(1000);
    expect(session.getSnapshot().status).toMatchObject({
      phase: 'closed',
      ending: { message: 'The session has ended.' },
    });
    expect(net.sockets).toHaveLength(1);
    expect(session.canReconnect).toBe(true);
    session.reconnect();
    expect(net.latest().url).toBe('wss://gw.example/ws?watch=s9&token=watch-token&gw=gw-b');
    expect(session.getSnapshot().watching).toBe('s9');
  });

  it('reports a refusal with its code (another target, an unknown session)', () => {
    const { session, net } = setup();
    session.watch('nope', 'watch-token');
    const socket = net.latest();
    socket.open('telgate.v2');
    socket.receive({
      type: 'state',
      state: 'closed',
      code: 'GW_ERR_WATCH_REFUSED',
      reason: 'no session "nope" here',
    });
    socket.serverClose(GATEWAY_ERRORS.GW_ERR_WATCH_REFUSED.closeCode);
    expect(session.getSnapshot().status).toMatchObject({
      phase: 'closed',
      ending: { code: 'GW_ERR_WATCH_REFUSED', message: GATEWAY_ERRORS.GW_ERR_WATCH_REFUSED.message },
    });
  });

  it('connecting to a target afterwards is an ordinary session again', () => {
    const { session, net } = watching();
    session.connect({ kind: 'target', id: 'demo' }, 'tok');
    const socket = net.latest();
    expect(socket.url).toBe('wss://gw.example/ws?target=demo&token=tok');
    socket.open('telgate.v2');
    expect(session.isWatching).toBe(false);
    expect(socket.sent).toEqual([{ type: 'resize', cols: 80, rows: 24 }]);
    expect(net.sockets[0]?.closedWith?.code).toBe(1000);
  });
});
