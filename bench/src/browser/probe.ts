/**
 * Runs in the page before its own scripts (an init script): watches the page's WebSocket without
 * changing it. OUTPUT bytes received are counted; ACK frames the page sends say how much xterm.js has
 * written (its write callback), so "rendered" needs no hook into the app. Each `~` in the output is an
 * echo: it counts as shown once the page has acknowledged the byte. Key presses of `~` are timed from
 * the event's own time stamp, so time the page spent busy before handling them is counted.
 *
 * Plain browser JavaScript: no imports, nothing from outside the function.
 */

export interface Echo {
  /** Where the `~` is in the output, counted in OUTPUT payload bytes from the start of the session. */
  readonly offset: number;
  readonly arrivedAt: number;
  renderedAt: number | undefined;
}

export interface BenchProbe {
  received: number;
  acked: number;
  firstOutputAt: number | undefined;
  lastAckAt: number | undefined;
  keys: number[];
  echoes: Echo[];
  /** When the page acknowledged the first output that ends with the demo host's prompt (page time). */
  promptAt: number | undefined;
}

export type ProbeWindow = Window & { __bench: BenchProbe };

/**
 * The probe as an init script. Functions sent to the page are sent as source text; the TypeScript
 * loader (esbuild, keeping names) wraps named functions in `__name(…)`, which the page must define.
 */
export function probeSource(): string {
  return `(${installProbe.toString()})();`;
}

export function installProbe(): void {
  const OUTPUT = 0x81;
  const ACK = 0x04;
  const ECHO = 0x7e;
  // The demo host's prompt, `demo$ `.
  const PROMPT = [0x64, 0x65, 0x6d, 0x6f, 0x24, 0x20];
  let promptOffset: number | undefined;
  const probe: BenchProbe = {
    received: 0,
    acked: 0,
    firstOutputAt: undefined,
    lastAckAt: undefined,
    keys: [],
    echoes: [],
    promptAt: undefined,
  };
  (window as unknown as ProbeWindow).__bench = probe;
  let unrendered = 0; // index of the first echo not yet acknowledged

  const Native = window.WebSocket;
  class Probed extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        if (!(event.data instanceof ArrayBuffer)) return;
        const frame = new Uint8Array(event.data);
        if (frame[0] !== OUTPUT) return;
        const now = performance.now();
        if (probe.firstOutputAt === undefined) probe.firstOutputAt = now;
        for (let at = frame.indexOf(ECHO, 1); at >= 0; at = frame.indexOf(ECHO, at + 1)) {
          probe.echoes.push({ offset: probe.received + at, arrivedAt: now, renderedAt: undefined });
        }
        if (promptOffset === undefined && frame.length > PROMPT.length) {
          const tail = frame.subarray(frame.length - PROMPT.length);
          if (PROMPT.every((b, k) => tail[k] === b)) promptOffset = probe.received + frame.length - 1;
        }
        probe.received += frame.length - 1;
      });
    }

    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) {
        const bytes = ArrayBuffer.isView(data)
          ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
          : new Uint8Array(data);
        if (bytes.length === 5 && bytes[0] === ACK) {
          const now = performance.now();
          probe.acked += new DataView(bytes.buffer, bytes.byteOffset, 5).getUint32(1);
          probe.lastAckAt = now;
          if (promptOffset !== undefined && probe.promptAt === undefined && probe.acked >= promptOffset) {
            probe.promptAt = now;
          }
          while (unrendered < probe.echoes.length && probe.echoes[unrendered]!.offset <= probe.acked) {
            probe.echoes[unrendered]!.renderedAt = now;
            unrendered++;
          }
        }
      }
      super.send(data);
    }
  }
  window.WebSocket = Probed;
  window.addEventListener(
    'keydown',
    (event) => {
      if (event.key === '~') probe.keys.push(event.timeStamp);
    },
    true,
  );
}
