import type { TargetInfo } from '@telgate/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeSocket, fakeSockets } from '../testing/fake-socket';
import { MemoryStorage } from '../testing/memory-storage';
import { RESUME_ERRORS } from './ending';
import { resumeKey } from './resume-store';
import { type OutputSink, TelgateSession } from './session';

const TARGET: TargetInfo = { id: 'demo', label: 'Demo', host: '127.0.0.1', port: 2323, charset: 'UTF-8' };
const DEMO = { kind: 'target', id: 'demo' } as const;
const FIRST = 'FirstCredential_0001';
const SECOND = 'SecondCredential_002';
const KEY = resumeKey(DEMO);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/**
 * A session on fake sockets with sessionStorage in memory, a settable clock and no jitter: the attempts
 * to resume start 250, 500, 1000… ms after a loss (fake timers).
 */
function setup(storage = new MemoryStorage()) {
  const net = fakeSockets();
  let time = 10_000;
  const screens: { cols: number; rows: number; data: string }[] = [];
  const written: string[] = [];
  const sink: OutputSink = {
    write: (data, rendered) => {
      written.push(text(data));
      rendered();
    },
    screen: (cols, rows, data, rendered) => {
      screens.push({ cols, rows, data: text(data) });
      rendered();
    },
  };
  const session = new TelgateSession({
    pageUrl: 'https://gw.example/?target=demo',
    createSocket: net.factory,
    now: () => time,
    scheduleAck: (task) => task(),
    ackThreshold: 1_000_000,
    resumeStorage: storage,
    random: () => 0,
  });
  session.attachOutput(sink);
  session.resize(80, 24);
  const advance = async (ms: number) => {
    time += ms;
    await vi.advanceTimersByTimeAsync(ms);
  };
  return { session, net, storage, screens, written, advance };
}

/** A telgate.v2 session, connected with a credential and `graceSeconds`. */
function connectedV2(graceSeconds = 60) {
  const env = setup();
  env.session.connect(DEMO, 'tok');
  const socket = env.net.latest();
  socket.open('telgate.v2');
  socket.receive({
    type: 'state',
    state: 'connected',
    target: TARGET,
    sessionId: 's1',
    resume: { credential: FIRST, graceSeconds },
  });
  return { ...env, socket };
}

/** Plays the gateway taking a RESUME: the rotated credential, the screen, and how much input it got. */
function acceptResume(socket: FakeSocket, inputReceived: number, awayMs = 12_000) {
  socket.receive({
    type: 'state',
    state: 'connected',
    target: TARGET,
    sessionId: 's1',
    resume: { credential: SECOND, graceSeconds: 60 },
  });
  socket.receive({ type: 'screen', cols: 100, rows: 30, data: new TextEncoder().encode('~\r\n"notes" 2L') });
  socket.receive({ type: 'notice', notice: { kind: 'resumed', awayMs, inputReceived } });
}

const inputsOf = (socket: FakeSocket) => socket.framesOf('input').map((frame) => text(frame.data));

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('TelgateSession on telgate.v2', () => {
  it('keeps the credential in the tab’s storage once connected', () => {
    const { session, storage } = connectedV2();
    expect(session.isResumable).toBe(true);
    expect(session.endsWithPage).toBe(false);
    expect(JSON.parse(storage.getItem(KEY) ?? 'null')).toEqual({ credential: FIRST, graceSeconds: 60 });
  });

  it('after a lost socket, reconnects with RESUME first, redraws the screen and resends unconfirmed input once', async () => {
    const { session, net, socket, storage, screens, advance } = connectedV2();
    const detached = vi.fn();
    const resumed = vi.fn();
    const closed = vi.fn();
    session.on('detached', detached);
    session.on('resumed', resumed);
    session.on('closed', closed);
    expect(session.sendInput('ihello')).toBe(true);
    expect(session.sendInput(' world')).toBe(true);
    socket.serverClose(1006);

    expect(session.getSnapshot().status).toMatchObject({
      phase: 'reconnecting',
      since: 10_000,
      retryAt: 10_250,
    });
    expect(detached).toHaveBeenCalledTimes(1);
    expect(closed).not.toHaveBeenCalled();
    // Typed while away: held, and sent after what the gateway missed.
    expect(session.sendInput('!')).toBe(true);
    expect(session.getSnapshot().queuedInput).toBe(1);

    await advance(249);
    expect(net.sockets).toHaveLength(1);
    await advance(1);
    const second = net.latest();
    expect(second.url).toBe('wss://gw.example/ws?target=demo&token=tok');
    expect(second.offeredProtocols).toEqual(['telgate.v2', 'telgate.v1']);
    second.open('telgate.v2');
    expect(second.sent).toEqual([{ type: 'resume', credential: FIRST }]);

    acceptResume(second, 8); // "ihello w" arrived before the loss
    expect(screens).toEqual([{ cols: 100, rows: 30, data: '~\r\n"notes" 2L' }]);
    // The SCREEN's bytes are acknowledged, then the page's own size goes to the host.
    expect(second.sent.slice(1, 3)).toEqual([
      { type: 'ack', count: 13 },
      { type: 'resize', cols: 80, rows: 24 },
    ]);
    expect(inputsOf(second)).toEqual(['orld', '!']);
    expect(session.getSnapshot().status).toEqual({ phase: 'connected', since: 10_000 });
    expect(session.getSnapshot().resumed).toEqual({ at: 10_250, awayMs: 12_000, inputLost: 0 });
    expect(session.getSnapshot().queuedInput).toBe(0);
    expect(resumed).toHaveBeenCalledWith({ awayMs: 12_000 });
    expect(closed).not.toHaveBeenCalled();
    // The credential rotated: only the latest is kept.
    expect(JSON.parse(storage.getItem(KEY) ?? 'null')).toEqual({ credential: SECOND, graceSeconds: 60 });

    // A second loss resends only what is still unconfirmed: nothing twice.
    expect(session.sendInput('x')).toBe(true);
    second.serverClose(1006);
    await advance(250);
    const third = net.latest();
    third.open('telgate.v2');
    expect(third.sent).toEqual([{ type: 'resume', credential: SECOND }]);
    acceptResume(third, 13); // everything up to "!" arrived, "x" did not
    expect(inputsOf(third)).toEqual(['x']);
  });

  it('drops a socket that has stayed silent far past the heartbeat, and gets the session back', async () => {
    const { session, net, socket, advance } = connectedV2();
    socket.receive({ type: 'heartbeat', intervalMs: 1_000 });
    await advance(2_000);
    expect(session.getSnapshot()).toMatchObject({ stalled: true, status: { phase: 'connected' } });
    await advance(17_999);
    expect(socket.closedWith).toBeUndefined();
    await advance(1);
    expect(socket.closedWith?.code).toBe(4000);
    expect(session.getSnapshot()).toMatchObject({ stalled: false, status: { phase: 'reconnecting' } });
    await advance(250);
    const attempt = net.latest();
    attempt.open('telgate.v2');
    expect(attempt.sent).toEqual([{ type: 'resume', credential: FIRST }]);
  });

  it('refuses typing beyond the queue’s bound while reconnecting, visibly', () => {
    const { session, socket } = connectedV2();
    socket.serverClose(1006);
    expect(session.sendInput('a'.repeat(4096))).toBe(true);
    expect(session.getSnapshot().inputRefused).toBe(false);
    expect(session.sendInput('b')).toBe(false);
    expect(session.getSnapshot()).toMatchObject({ queuedInput: 4096, inputRefused: true });
  });

  it('backs off between failed attempts and gives up when the grace time is over', async () => {
    const { session, net, socket, storage, advance } = connectedV2(2);
    const closed = vi.fn();
    session.on('closed', closed);
    socket.serverClose(1006);
    await advance(250);
    net.latest().serverClose(1006); // never opened: the gateway is not reachable
    expect(session.getSnapshot().status).toMatchObject({
      phase: 'reconnecting',
      attempt: 2,
      retryAt: 10_750,
    });
    await advance(500);
    net.latest().serverClose(1006);
    await advance(1_000);
    expect(net.sockets).toHaveLength(4);
    net.latest().serverClose(1006);
    await advance(250); // the deadline (2 s after the loss) cuts the 2 s wait short
    net.latest().serverClose(1006);
    expect(closed).toHaveBeenCalledWith(
      expect.objectContaining({
        code: 'GW_ERR_RESUME_FAILED',
        message: RESUME_ERRORS.GW_ERR_RESUME_FAILED.message,
      }),
    );
    const count = net.sockets.length;
    await advance(60_000);
    expect(net.sockets).toHaveLength(count);
    expect(storage.getItem(KEY)).toBeNull();
  });

  it('says the session ended while away when the gateway refuses the credential (4022)', async () => {
    const { session, net, socket, storage, advance } = connectedV2();
    socket.serverClose(1006);
    await advance(250);
    const attempt = net.latest();
    attempt.open('telgate.v2');
    attempt.serverClose(4022, 'GW_ERR_RESUME_FAILED');
    const { status } = session.getSnapshot();
    expect(status.phase === 'closed' && status.ending).toMatchObject({
      code: 'GW_ERR_RESUME_FAILED',
      message: 'Session ended while you were away. Reconnect to start a new session.',
      closeCode: 4022,
    });
    expect(storage.getItem(KEY)).toBeNull();
    // Reconnect starts a new session.
    session.reconnect();
    net.latest().open('telgate.v2');
    expect(net.latest().sent).toEqual([{ type: 'resize', cols: 80, rows: 24 }]);
  });

  it('does not reconnect when another tab took the session over (4021)', async () => {
    const { session, net, socket, storage, advance } = connectedV2();
    socket.serverClose(4021, 'GW_ERR_TAKEN_OVER');
    const { status } = session.getSnapshot();
    expect(status.phase === 'closed' && status.ending).toMatchObject({
      code: 'GW_ERR_TAKEN_OVER',
      message: 'This session was taken over by another tab or window.',
    });
    await advance(60_000);
    expect(net.sockets).toHaveLength(1);
    expect(storage.getItem(KEY)).toBeNull();
  });

  it('follows the gateway’s STATE closed before its close, for a takeover and a refused resume', async () => {
    const takenOver = connectedV2();
    takenOver.socket.receive({ type: 'state', state: 'closed', code: 'GW_ERR_TAKEN_OVER' });
    takenOver.socket.serverClose(4021, 'GW_ERR_TAKEN_OVER');
    const first = takenOver.session.getSnapshot().status;
    expect(first.phase === 'closed' && first.ending.message).toBe(
      'This session was taken over by another tab or window.',
    );
    await takenOver.advance(60_000);
    expect(takenOver.net.sockets).toHaveLength(1);

    const refused = connectedV2();
    refused.socket.serverClose(1001);
    await refused.advance(250);
    const attempt = refused.net.latest();
    attempt.open('telgate.v2');
    attempt.receive({ type: 'state', state: 'closed', code: 'GW_ERR_RESUME_FAILED' });
    attempt.serverClose(4022, 'GW_ERR_RESUME_FAILED');
    const second = refused.session.getSnapshot().status;
    expect(second.phase === 'closed' && second.ending.code).toBe('GW_ERR_RESUME_FAILED');
    expect(refused.storage.getItem(KEY)).toBeNull();
  });

  it('on a reload, resumes the session the tab’s storage names instead of opening one', () => {
    const storage = new MemoryStorage();
    storage.setItem(KEY, JSON.stringify({ credential: FIRST, graceSeconds: 60 }));
    const { session, net } = setup(storage);
    const connected = vi.fn();
    session.on('connected', connected);
    session.connect(DEMO);
    expect(session.getSnapshot().status).toMatchObject({ phase: 'reconnecting', attempt: 1 });
    expect(session.sendInput('q')).toBe(true);
    const socket = net.latest();
    socket.open('telgate.v2');
    expect(socket.sent).toEqual([{ type: 'resume', credential: FIRST }]);
    acceptResume(socket, 4_321);
    // What the page before the reload sent is not known here: only what was typed since goes.
    expect(inputsOf(socket)).toEqual(['q']);
    expect(connected).toHaveBeenCalledTimes(1);
    expect(session.getSnapshot().status).toEqual({ phase: 'connected', since: 10_000 });
    expect(JSON.parse(storage.getItem(KEY) ?? 'null')).toMatchObject({ credential: SECOND });
  });

  it('sends a resume to the gateway holding the session (gw), after a loss and after a reload', async () => {
    const { session, net, storage, advance } = setup();
    session.connect(DEMO, 'tok');
    const socket = net.latest();
    socket.open('telgate.v2');
    socket.receive({
      type: 'state',
      state: 'connected',
      target: TARGET,
      sessionId: 's1',
      resume: { credential: FIRST, graceSeconds: 60, gateway: 'gw-b' },
    });
    expect(new URL(socket.url).searchParams.get('gw')).toBeNull();
    expect(JSON.parse(storage.getItem(KEY) ?? 'null')).toEqual({
      credential: FIRST,
      graceSeconds: 60,
      gateway: 'gw-b',
    });
    socket.serverClose(1006);
    await advance(250);
    expect(new URL(net.latest().url).searchParams.get('gw')).toBe('gw-b');
    session.disconnect();

    const reloaded = setup(storage);
    storage.setItem(KEY, JSON.stringify({ credential: FIRST, graceSeconds: 60, gateway: 'gw-a' }));
    reloaded.session.connect(DEMO);
    expect(new URL(reloaded.net.latest().url).searchParams.get('gw')).toBe('gw-a');
  });

  it('forgets the credential when the session ends for good', () => {
    const ended = connectedV2();
    ended.socket.receive({ type: 'state', state: 'closed', code: 'GW_ERR_HOST_CLOSED' });
    expect(ended.storage.getItem(KEY)).toBeNull();

    const disconnected = connectedV2();
    disconnected.session.disconnect();
    expect(disconnected.socket.closedWith).toEqual({ code: 1000, reason: undefined });
    expect(disconnected.storage.getItem(KEY)).toBeNull();
    expect(disconnected.session.isResumable).toBe(false);

    // Leaving for another session (or leaving the page's view) ends this one at the gateway too.
    const replaced = connectedV2();
    replaced.session.connect({ kind: 'target', id: 'other' });
    expect(replaced.socket.closedWith?.code).toBe(1000);
    expect(replaced.storage.getItem(KEY)).toBeNull();
  });

  it('stops getting the session back when the user disconnects meanwhile', async () => {
    const { session, net, socket, storage, advance } = connectedV2();
    const closed = vi.fn();
    session.on('closed', closed);
    socket.serverClose(1006);
    await advance(250);
    const attempt = net.latest();
    session.disconnect();
    expect(attempt.closedWith?.code).toBe(1000);
    expect(closed).toHaveBeenCalledWith(expect.objectContaining({ byUser: true }));
    expect(storage.getItem(KEY)).toBeNull();
    await advance(60_000);
    expect(net.sockets).toHaveLength(2);
  });

  it('ends a session lost to a gateway error about the session, or closed normally, without resuming', async () => {
    for (const code of [1000, 4007, 4011]) {
      const { session, net, socket, advance } = connectedV2();
      socket.serverClose(code);
      expect(session.getSnapshot().status.phase).toBe('closed');
      await advance(1_000);
      expect(net.sockets).toHaveLength(1);
    }
  });

  it('keeps the credential when the token is refused while resuming, and resumes with a fresh one', async () => {
    const { session, net, socket, storage, advance } = connectedV2();
    socket.serverClose(1006);
    await advance(250);
    net.latest().open('telgate.v2');
    net.latest().serverClose(4020, 'GW_ERR_TOKEN_EXPIRED');
    expect(session.getSnapshot().status.phase).toBe('closed');
    expect(storage.getItem(KEY)).not.toBeNull();
    session.connect(DEMO, 'fresh');
    const attempt = net.latest();
    expect(attempt.url).toContain('token=fresh');
    attempt.open('telgate.v2');
    expect(attempt.sent).toEqual([{ type: 'resume', credential: FIRST }]);
  });
});

describe('TelgateSession without resume', () => {
  it('ends on a lost socket when the gateway chose telgate.v1', async () => {
    const { session, net, storage, advance } = setup();
    session.connect(DEMO);
    const socket = net.latest();
    socket.open('telgate.v1');
    socket.receive({ type: 'state', state: 'connected', target: TARGET });
    expect(session.isResumable).toBe(false);
    // Leaving the page would end this session: the page asks first.
    expect(session.endsWithPage).toBe(true);
    socket.serverClose(1006);
    expect(session.endsWithPage).toBe(false);
    const { status } = session.getSnapshot();
    expect(status.phase === 'closed' && status.ending.code).toBe('WEB_ERR_CONNECTION_LOST');
    await advance(60_000);
    expect(net.sockets).toHaveLength(1);
    expect(storage.length).toBe(0);
  });

  it('is not resumable on telgate.v2 without a resume field (grace 0)', () => {
    const { session, net, storage } = setup();
    storage.setItem(KEY, JSON.stringify({ credential: FIRST, graceSeconds: 60 }));
    session.connect({ kind: 'target', id: 'other' });
    const socket = net.latest();
    socket.open('telgate.v2');
    socket.receive({ type: 'state', state: 'connected', target: TARGET });
    expect(session.isResumable).toBe(false);
    expect(session.endsWithPage).toBe(true);
    socket.serverClose(1006);
    expect(session.getSnapshot().status.phase).toBe('closed');
    // Another target's credential is left alone.
    expect(storage.getItem(KEY)).not.toBeNull();
  });
});
