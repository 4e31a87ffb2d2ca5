import type { EolMode } from '@telgate/telnet-core';
import type { LoginCredentials } from '../auth/token.js';
import type { AutoLoginConfig, TargetConfig } from '../config/types.js';
import { createHostDecoder, type HostDecoder } from './charset.js';

export type { LoginCredentials };

/** How an automatic sign-in ended; `reason` is fixed text (never host output, never a credential). */
export type AutoLoginOutcome =
  | { readonly ok: true; readonly username: string }
  | { readonly ok: false; readonly username: string; readonly reason: string };

export interface AutoLoginOptions {
  readonly config: AutoLoginConfig;
  readonly credentials: LoginCredentials;
  /** The host's charset to UTF-8, for `hostBytes`. */
  readonly decode: HostDecoder;
  /** Types a line at the host: the text, then the target's end of line. */
  readonly sendLine: (text: string) => void;
  /** Called once, when the sign-in succeeded or failed; not when the user took over. */
  readonly report: (outcome: AutoLoginOutcome) => void;
  /** How long a prompt must stay the end of the output before it is answered. */
  readonly settleMs?: number;
}

/** What the host's output is kept of to look for prompts (after escape sequences are removed). */
export const TAIL_CHARS = 256;
/** The raw text kept before escape sequences are removed: room for a prompt drawn with many of them. */
const RAW_TAIL_CHARS = 4 * TAIL_CHARS;
/** A prompt is answered once the host has been quiet this long after it (it waits for an answer). */
export const DEFAULT_SETTLE_MS = 100;

/** CSI and OSC sequences, other escapes, and control characters other than line breaks and tabs. */
const TERMINAL_CONTROLS =
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[ -/]*[0-~]|[\x00-\x08\x0b-\x1f\x7f]|\x9b[0-?]*[ -/]*[@-~]/g;

/** Output as the user reads it: escape sequences and control characters (but line breaks) removed. */
export function visibleText(text: string): string {
  return text.replace(TERMINAL_CONTROLS, '');
}

/** Reports a terminal sends unasked: cursor position, device attributes, focus, OSC colour answers. */
const TERMINAL_REPORTS =
  /^(?:\x1b\[\??[\d;]*[Rc]|\x1b\[>[\d;]*c|\x1b\[[IO]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\))+$/;

/** Whether input from the page is only the terminal answering the host's queries, not the user typing. */
export function isTerminalReport(data: Uint8Array): boolean {
  // Reports are short ASCII; anything longer or other is typing.
  if (data.length === 0 || data.length > 256 || data[0] !== 0x1b) return false;
  return TERMINAL_REPORTS.test(String.fromCharCode(...data));
}

/**
 * Which credentials a session signs in with, if any: a token's (when the target takes them from tokens),
 * else the target's own.
 */
export function loginCredentials(
  config: AutoLoginConfig | undefined,
  fromToken: LoginCredentials | undefined,
): LoginCredentials | undefined {
  if (!config) return undefined;
  if (config.fromToken && fromToken) return fromToken;
  if (config.username !== undefined && config.password !== undefined) {
    return { username: config.username, password: config.password };
  }
  return undefined;
}

/**
 * Starts an automatic sign-in for a session to `target`, when the target has one configured and
 * credentials are at hand (its own, or a token's when it takes them from tokens).
 */
export function startAutoLogin(
  target: TargetConfig,
  fromToken: LoginCredentials | undefined,
  hooks: Pick<AutoLoginOptions, 'sendLine' | 'report'>,
): AutoLogin | undefined {
  const credentials = loginCredentials(target.autoLogin, fromToken);
  if (!target.autoLogin || !credentials) return undefined;
  return new AutoLogin({
    config: target.autoLogin,
    credentials,
    decode: createHostDecoder(target.charset),
    ...hooks,
  });
}

/** A line as typed at the host over plain TCP: the text, then the end of line. */
export function lineBytes(encoded: Uint8Array, eol: EolMode): Uint8Array {
  const end = eol === 'crlf' ? [0x0d, 0x0a] : eol === 'crnul' ? [0x0d, 0x00] : [0x0a];
  const out = new Uint8Array(encoded.length + end.length);
  out.set(encoded);
  out.set(end, encoded.length);
  return out;
}

type Step = 'username' | 'password' | 'verify' | 'done';

/**
 * Answers a host's login prompts once: the username at the username prompt, then the password at the
 * password prompt, then watches for the shell prompt. Each is sent at most once and the steps only go
 * forward, so a host that asks again (a refused login) ends the attempt instead of looping. It gives up
 * after the configured time, and stops for good as soon as the user types.
 *
 * It sees the host's output as decoded text and keeps only a short tail of it; the password goes to
 * `sendLine` and nowhere else.
 */
export class AutoLogin {
  private step: Step = 'username';
  private raw = '';
  private readonly deadline: NodeJS.Timeout;
  private settle: NodeJS.Timeout | undefined;
  private readonly settleMs: number;
  private readonly text = new TextDecoder('utf-8');

  constructor(private readonly options: AutoLoginOptions) {
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.deadline = setTimeout(() => this.onTimeout(), options.config.timeoutMs);
  }

  /** Still watching the host's output. */
  get active(): boolean {
    return this.step !== 'done';
  }

  /** Host output as it came (after Telnet commands are taken out), in the host's charset. */
  hostBytes(bytes: Uint8Array): void {
    if (this.step === 'done' || bytes.length === 0) return;
    this.hostText(this.text.decode(this.options.decode(bytes), { stream: true }));
  }

  /** Host output, decoded. */
  hostText(text: string): void {
    if (this.step === 'done' || text.length === 0) return;
    this.raw = (this.raw + text).slice(-RAW_TAIL_CHARS);
    clearTimeout(this.settle);
    this.settle = undefined;
    const matched = this.promptAtEnd();
    if (matched) this.settle = setTimeout(() => this.answer(matched), this.settleMs);
  }

  /**
   * Input from the page: the user typed, and the session is theirs now. Answers the terminal gives by
   * itself to the host's queries (cursor position, device attributes) are not typing.
   */
  userTyped(data: Uint8Array): void {
    if (this.step === 'done' || isTerminalReport(data)) return;
    this.stop();
  }

  /** The user asked for an action (Interrupt, Break…): the session is theirs now. */
  userActed(): void {
    this.stop();
  }

  dispose(): void {
    this.stop();
  }

  private stop(): void {
    this.step = 'done';
    this.raw = '';
    clearTimeout(this.deadline);
    clearTimeout(this.settle);
    this.settle = undefined;
  }

  private promptAtEnd(): 'username' | 'password' | 'shell' | undefined {
    const { config } = this.options;
    const tail = visibleText(this.raw).slice(-TAIL_CHARS);
    if (config.usernamePrompt.test(tail)) return 'username';
    if (config.passwordPrompt.test(tail)) return 'password';
    if (this.step === 'verify' && config.shellPrompt.test(tail)) return 'shell';
    return undefined;
  }

  private answer(prompt: 'username' | 'password' | 'shell'): void {
    this.settle = undefined;
    const { credentials, sendLine } = this.options;
    this.raw = '';
    switch (this.step) {
      case 'username':
        if (prompt === 'username') {
          this.step = 'password';
          sendLine(credentials.username);
        } else if (prompt === 'password') {
          // Some hosts ask for the password only (the username came another way): answer that.
          this.step = 'verify';
          sendLine(credentials.password.reveal());
        }
        return;
      case 'password':
        if (prompt === 'password') {
          this.step = 'verify';
          sendLine(credentials.password.reveal());
        } else if (prompt === 'username') this.fail('the host asked for the username again');
        return;
      case 'verify':
        if (prompt === 'shell') this.succeed();
        else this.fail('the host refused the username or password');
        return;
      case 'done':
        return;
    }
  }

  private onTimeout(): void {
    if (this.step === 'done') return;
    const seconds = `${Math.round(this.options.config.timeoutMs / 100) / 10} s`;
    const reasons: Record<Exclude<Step, 'done'>, string> = {
      username: `no login prompt within ${seconds} of connecting`,
      password: `no password prompt within ${seconds} of connecting`,
      verify: `the password was sent, but no shell prompt came within ${seconds} of connecting`,
    };
    this.fail(reasons[this.step]);
  }

  private succeed(): void {
    this.stop();
    this.options.report({ ok: true, username: this.options.credentials.username });
  }

  private fail(reason: string): void {
    this.stop();
    this.options.report({ ok: false, username: this.options.credentials.username, reason });
  }
}
