/**
 * Runs in the page before its own scripts (an init script): watches the page's WebSocket without
 * changing it, and times everything with the page's own clock (performance.now), so the figures are
 * what the page saw, whatever drives the browser. OUTPUT and SCREEN bytes received are counted; ACK
 * frames the page sends say how much xterm.js has written (its write callback), so "rendered" needs no
 * hook into the app. The benchmark waits for a count with `until`, one promise the page resolves: no
 * polling from outside while a stream is timed.
 *
 * Echoes: the echo host answers the n-th `~` typed with `~n~` (the flood never contains `~`). A marker
 * found in OUTPUT, or in a SCREEN frame that replaced skipped output, counts as shown once the page has
 * acknowledged the bytes that carry it. Key presses of `~` are timed from the event's own time stamp,
 * so time the page spent busy before handling them is counted.
 *
 * Sockets: each socket's open, and the first SCREEN frame on it written (acknowledged), are kept, for
 * the time a resumed session takes to be back on screen; `drop()` closes the page's socket as a network
 * loss would (the page then gets its session back on a new one).
 *
 * Plain browser JavaScript: no imports, nothing from outside the function.
 */

export interface Echo {
  readonly arrivedAt: number;
  /** Where the marker ends, in OUTPUT and SCREEN bytes from the start of the page. */
  readonly offset: number;
  renderedAt: number | undefined;
}

export interface SocketTimes {
  readonly createdAt: number;
  openAt: number | undefined;
  /** The first frame the gateway sent on it. */
  firstMessageAt: number | undefined;
  /** The first SCREEN frame on this socket: when it arrived, and when the page had written it. */
  screenAt: number | undefined;
  screenDrawnAt: number | undefined;
}

export interface BenchProbe {
  /** OUTPUT payload and SCREEN data bytes received. */
  received: number;
  /** OUTPUT messages received. */
  messages: number;
  acked: number;
  firstOutputAt: number | undefined;
  lastAckAt: number | undefined;
  keys: number[];
  /** Indexed by the echo's number (the n-th `~` the host saw). */
  echoes: Array<Echo | undefined>;
  /** When the page acknowledged the first output that ends with the demo host's prompt (page time). */
  promptAt: number | undefined;
  sockets: SocketTimes[];
  /** requestAnimationFrame callbacks run (xterm.js draws in them). */
  frames: number;
}

export interface BenchProbeApi {
  /** Resolves once the page has acknowledged `acked` bytes in all. */
  until(acked: number): Promise<void>;
  /** Resolves once echo `index` is shown. */
  untilEcho(index: number): Promise<void>;
  /** Resolves once socket `index` (0: the first the page opened) has had its first SCREEN frame written. */
  untilScreen(index: number): Promise<void>;
  /** Closes the page's current socket with 4000 (an abnormal close, as when a network path drops). */
  drop(): void;
}

export type ProbeWindow = Window & { __bench: BenchProbe & BenchProbeApi };

/**
 * The probe as an init script. Functions sent to the page are sent as source text; the TypeScript
 * loader (esbuild, keeping names) wraps named functions in `__name(…)`, which the page must define.
 */
export function probeSource(): string {
  return `(${installProbe.toString()})();`;
}

export function installProbe(): void {
  const OUTPUT = 0x81;
  const SCREEN = 0x88;
  const SCREEN_HEADER = 5;
  const ACK = 0x04;
  const MARK = 0x7e; // '~'
  // The demo host's prompt, `demo$ `.
  const PROMPT = [0x64, 0x65, 0x6d, 0x6f, 0x24, 0x20];
  let promptOffset: number | undefined;
  let latest: WebSocket | undefined;
  const waiters: Array<{ acked: number; resolve: () => void }> = [];
  const echoWaiters: Array<{ index: number; resolve: () => void }> = [];
  const screenWaiters: Array<{ index: number; resolve: () => void }> = [];
  /** The start of a marker cut by the end of an OUTPUT frame: it goes on in the next one. */
  let carry: number[] | undefined;
  const probe: BenchProbe & BenchProbeApi = {
    received: 0,
    messages: 0,
    acked: 0,
    firstOutputAt: undefined,
    lastAckAt: undefined,
    keys: [],
    echoes: [],
    promptAt: undefined,
    sockets: [],
    frames: 0,
    until: (acked) =>
      probe.acked >= acked ? Promise.resolve() : new Promise((resolve) => waiters.push({ acked, resolve })),
    untilEcho: (index) =>
      probe.echoes[index]?.renderedAt !== undefined
        ? Promise.resolve()
        : new Promise((resolve) => echoWaiters.push({ index, resolve })),
    untilScreen: (index) =>
      probe.sockets[index]?.screenDrawnAt !== undefined
        ? Promise.resolve()
        : new Promise((resolve) => screenWaiters.push({ index, resolve })),
    drop: () => latest?.close(4000, 'dropped'),
  };
  (window as unknown as ProbeWindow).__bench = probe;
  const unrendered = new Set<number>();

  const record = (digits: number[], offset: number, now: number): boolean => {
    if (digits.length === 0 || digits.length > 9 || digits.some((d) => d < 0x30 || d > 0x39)) return false;
    const index = Number(String.fromCharCode(...digits));
    if (probe.echoes[index] === undefined) {
      probe.echoes[index] = { arrivedAt: now, offset, renderedAt: undefined };
      unrendered.add(index);
    }
    return true;
  };

  /** Finds `~n~` markers in `bytes` (at `offset` in the stream); OUTPUT markers may span frames. */
  const findMarkers = (bytes: Uint8Array, offset: number, now: number, output: boolean) => {
    let open = output ? carry : undefined;
    carry = output ? undefined : carry;
    let at = 0;
    for (;;) {
      if (open === undefined) {
        const start = bytes.indexOf(MARK, at);
        if (start < 0) return;
        open = [];
        at = start + 1;
      }
      const end = bytes.indexOf(MARK, at);
      if (end < 0) {
        for (let k = at; k < bytes.length && open.length <= 9; k++) open.push(bytes[k]!);
        if (output && open.length <= 9) carry = open;
        return;
      }
      for (let k = at; k < end; k++) open.push(bytes[k]!);
      // Not a marker (the end of one cut off on the screen): its closing `~` may open the next.
      at = record(open, offset + end + 1, now) ? end + 1 : end;
      open = undefined;
    }
  };

  const Native = window.WebSocket;
  class Probed extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      latest = this;
      const times: SocketTimes = {
        createdAt: performance.now(),
        openAt: undefined,
        firstMessageAt: undefined,
        screenAt: undefined,
        screenDrawnAt: undefined,
      };
      probe.sockets.push(times);
      this.addEventListener('open', () => {
        times.openAt = performance.now();
      });
      this.addEventListener('message', (event: MessageEvent) => {
        if (!(event.data instanceof ArrayBuffer)) return;
        const frame = new Uint8Array(event.data);
        const now = performance.now();
        times.firstMessageAt ??= now;
        if (frame[0] === SCREEN) {
          const data = frame.subarray(SCREEN_HEADER);
          if (times.screenAt === undefined) {
            times.screenAt = now;
            screens.push({ times, offset: probe.received + data.length });
          }
          findMarkers(data, probe.received, now, false);
          probe.received += data.length;
          return;
        }
        if (frame[0] !== OUTPUT) return;
        if (probe.firstOutputAt === undefined) probe.firstOutputAt = now;
        findMarkers(frame.subarray(1), probe.received, now, true);
        if (promptOffset === undefined && frame.length > PROMPT.length) {
          const tail = frame.subarray(frame.length - PROMPT.length);
          if (PROMPT.every((b, k) => tail[k] === b)) promptOffset = probe.received + frame.length - 1;
        }
        probe.received += frame.length - 1;
        probe.messages++;
      });
    }

    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) {
        const bytes = ArrayBuffer.isView(data)
          ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
          : new Uint8Array(data);
        if (bytes.length === 5 && bytes[0] === ACK)
          acknowledged(new DataView(bytes.buffer, bytes.byteOffset, 5).getUint32(1));
      }
      super.send(data);
    }
  }
  const screens: Array<{ times: SocketTimes; offset: number }> = [];

  const acknowledged = (count: number) => {
    const now = performance.now();
    probe.acked += count;
    probe.lastAckAt = now;
    if (promptOffset !== undefined && probe.promptAt === undefined && probe.acked >= promptOffset) {
      probe.promptAt = now;
    }
    while (screens.length > 0 && screens[0]!.offset <= probe.acked)
      screens.shift()!.times.screenDrawnAt = now;
    for (const index of unrendered) {
      const echo = probe.echoes[index]!;
      if (echo.offset > probe.acked) continue;
      echo.renderedAt = now;
      unrendered.delete(index);
    }
    for (let k = waiters.length - 1; k >= 0; k--) {
      if (waiters[k]!.acked <= probe.acked) waiters.splice(k, 1)[0]!.resolve();
    }
    for (let k = screenWaiters.length - 1; k >= 0; k--) {
      const { index } = screenWaiters[k]!;
      if (probe.sockets[index]?.screenDrawnAt !== undefined) screenWaiters.splice(k, 1)[0]!.resolve();
    }
    for (let k = echoWaiters.length - 1; k >= 0; k--) {
      if (probe.echoes[echoWaiters[k]!.index]?.renderedAt !== undefined)
        echoWaiters.splice(k, 1)[0]!.resolve();
    }
  };

  window.WebSocket = Probed;
  const nativeFrame = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) =>
    nativeFrame((time) => {
      probe.frames++;
      callback(time);
    });
  window.addEventListener(
    'keydown',
    (event) => {
      if (event.key === '~') probe.keys.push(event.timeStamp);
    },
    true,
  );
}
