import type { Action, Notice, SupdupTerminal } from '@telgate/protocol';
import {
  createSupdupClient,
  type SupdupClient,
  type SupdupKey,
  TtyoptLeft,
  TtyoptRight,
} from '@telgate/supdup';

/** Where a SUPDUP session's bytes go: ANSI toward the browser's OUTPUT, protocol bytes toward the host. */
export interface SupdupLinkHooks {
  /** ANSI/UTF-8 for xterm.js (a view the engine may reuse: copy to keep). */
  readonly output: (utf8: Uint8Array) => void;
  /** Bytes for the host's socket. */
  readonly send: (bytes: Uint8Array) => void;
  readonly notice: (notice: Notice) => void;
}

export const SUPDUP_RESIZE_WARNING =
  'SUPDUP cannot change the window size during a session; reconnect to use the new size';

const ESC = 0x1b;
const DEL = 0x7f;

/** Cursor and editing keys as xterm.js sends them, mapped to the characters ITS programs expect. */
const FINAL_KEYS: Readonly<Record<string, SupdupKey>> = {
  // Arrows: the EMACS motion keys ^P ^N ^F ^B.
  A: { char: 0o20 },
  B: { char: 0o16 },
  C: { char: 0o6 },
  D: { char: 0o2 },
};
/** `CSI n ~` keys: Delete is Rubout. */
const TILDE_KEYS: Readonly<Record<string, SupdupKey>> = {
  '3': { char: DEL },
};

/**
 * A session that speaks SUPDUP (RFC 734): from the first byte for a `protocol: supdup` target, or after the
 * Telnet SUPDUP option was agreed (RFC 736). Host bytes go through the SUPDUP engine to ANSI; what the
 * page types is turned into SUPDUP characters with bucky bits.
 */
export class SupdupLink {
  private readonly client: SupdupClient;
  private resizeTold = false;
  private readonly size: { cols: number; rows: number };
  /** Characters typed that SUPDUP cannot send (non-ASCII, unmapped function keys). */
  dropped = 0;

  constructor(
    size: { cols: number; rows: number },
    initialCursor: { row: number; col: number },
    private readonly hooks: SupdupLinkHooks,
  ) {
    this.size = { ...size };
    this.client = createSupdupClient({ cols: size.cols, rows: size.rows, initialCursor }, (event) => {
      if (event.type === 'output') hooks.output(event.data);
      else if (event.type === 'send') hooks.send(event.data);
    });
  }

  /** Sends the initialization and tells the page the session speaks SUPDUP. */
  start(): void {
    this.client.start();
    this.hooks.notice({ kind: 'supdup', terminal: this.terminalInfo() });
  }

  /** What the session told the host about the terminal (for the page's inspector). */
  terminalInfo(): SupdupTerminal {
    const { ttyopt } = this.client.parameters;
    return { cols: this.client.cols, rows: this.client.rows, ttyopt: ttyoptNames(ttyopt) };
  }

  receive(bytes: Uint8Array): void {
    this.client.receive(bytes);
  }

  /**
   * What xterm.js sent as the user typed (UTF-8). ASCII goes as it is (Ctrl+letter arrives as its ASCII
   * control, which ITS reads as <CONTROL>letter); ESC followed by a character (Alt/Meta+key) is that
   * key with META; ESC followed by a control character is META with that control. Arrows become ^P ^N
   * ^F ^B, Delete becomes Rubout; other escape sequences and non-ASCII characters are dropped.
   */
  input(utf8: Uint8Array): void {
    const text = Buffer.from(utf8).toString('utf8');
    let plain = '';
    const flush = () => {
      if (plain === '') return;
      this.dropped += this.client.sendText(plain).dropped;
      plain = '';
    };
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code !== ESC || i + 1 >= text.length) {
        plain += text[i];
        continue;
      }
      flush();
      const next = text[i + 1]!;
      if (next === '[' || next === 'O') {
        // CSI or SS3: parameters, then a final byte 0x40–0x7e.
        let end = i + 2;
        while (end < text.length && !isFinal(text.charCodeAt(end))) end++;
        if (end >= text.length) {
          // A lone ESC [ or ESC O: Alt+[ or Alt+O.
          this.key({ char: next, meta: true });
          i += 1;
          continue;
        }
        const final = text[end]!;
        const params = text.slice(i + 2, end);
        const key =
          final === '~' ? TILDE_KEYS[params] : params === '' || next === 'O' ? FINAL_KEYS[final] : undefined;
        if (key) this.key(key);
        else this.dropped++;
        i = end;
        continue;
      }
      const nextCode = next.charCodeAt(0);
      if (nextCode < 0x80) this.key({ char: nextCode, meta: true });
      else this.dropped++;
      i += 1;
    }
    flush();
  }

  private key(key: SupdupKey): void {
    if (!this.client.sendKey(key).sent) this.dropped++;
  }

  /** SUPDUP has no way to change the size of an open session: the user is told once. */
  resize(cols: number, rows: number): void {
    this.client.resize(cols, rows);
    if (this.resizeTold || (cols === this.size.cols && rows === this.size.rows)) return;
    this.resizeTold = true;
    this.hooks.notice({ kind: 'warning', code: 'GW_WARN_SUPDUP_RESIZE', message: SUPDUP_RESIZE_WARNING });
  }

  /** An action from the toolbar: Logout is 300 301; the Telnet commands do not exist in SUPDUP. */
  action(action: Action): 'logout' | 'refused' {
    if (action === 'logout') {
      this.client.logout();
      return 'logout';
    }
    this.hooks.notice({
      kind: 'warning',
      code: 'GW_WARN_SUPDUP_ACTION',
      message: `${action} is a Telnet command; this session speaks SUPDUP, which has no such command`,
    });
    return 'refused';
  }

  /** Types a line (automatic sign-in): the text, then Return (015). */
  typeLine(text: string): void {
    this.dropped += this.client.sendText(`${text}\r`).dropped;
  }
}

function isFinal(code: number): boolean {
  return code >= 0x40 && code <= 0x7e;
}

/** The TTYOPT word as flag names: left half %TO…, right half %TP…. */
export function ttyoptNames(ttyopt: number): string[] {
  const left = Math.floor(ttyopt / 0o1000000);
  const right = ttyopt % 0o1000000;
  const names: string[] = [];
  for (const [name, bit] of Object.entries(TtyoptLeft)) if (left & bit) names.push(`%TO${name}`);
  for (const [name, bit] of Object.entries(TtyoptRight)) if (right & bit) names.push(`%TP${name}`);
  return names;
}
