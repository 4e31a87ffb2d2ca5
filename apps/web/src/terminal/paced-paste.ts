/**
 * Pasting into network gear that drops what arrives too fast: the text goes out one line at a time with
 * a pause after each line (and optionally between characters), like SecureCRT's line and character
 * delays, optionally waiting for the host to echo the line (or to show its prompt) before the next.
 */

/** What to wait for after a line before sending the next one (besides the line delay). */
export type PasteWait = 'none' | 'echo' | 'prompt';
export const PASTE_WAITS: readonly PasteWait[] = ['none', 'echo', 'prompt'];

export interface PasteSettings {
  /** Pause after each line, in ms. */
  readonly lineDelayMs: number;
  /** Pause between the characters of a line, in ms; 0 sends each line at once. */
  readonly charDelayMs: number;
  readonly waitFor: PasteWait;
  /** With `waitFor: 'prompt'`: text the host shows when it is ready for the next line (e.g. `#`). */
  readonly prompt: string;
}

export const DEFAULT_PASTE_SETTINGS: PasteSettings = {
  lineDelayMs: 80,
  charDelayMs: 0,
  waitFor: 'none',
  prompt: '',
};
export const MAX_LINE_DELAY_MS = 10_000;
export const MAX_CHAR_DELAY_MS = 1_000;
/** How long to wait for the echo or the prompt before sending the next line anyway. */
export const WAIT_TIMEOUT_MS = 5_000;
/** Lines shown in the question before a multi-line paste. */
export const PREVIEW_LINES = 3;
/** The output kept while waiting for an echo or a prompt. */
const OUTPUT_KEPT = 4096;

export interface PasteLines {
  /** The lines, without their line breaks. */
  readonly lines: readonly string[];
  /** Whether the last line ended with a line break (then Enter follows it too). */
  readonly finalBreak: boolean;
}

/** Splits pasted text at its line breaks (CRLF, CR or LF, as the clipboard of any system has them). */
export function splitPaste(text: string): PasteLines {
  const lines = text.split(/\r\n|\r|\n/);
  const finalBreak = lines.length > 1 && lines.at(-1) === '';
  if (finalBreak) lines.pop();
  return { lines, finalBreak };
}

/** Whether the paste is asked about first: more than one line. A single line (with or without Enter) is not. */
export function needsConfirmation(text: string): boolean {
  return splitPaste(text).lines.length > 1;
}

/** What goes to the host for each line: the line and Enter (`\r`, which the session's Enter setting turns into CR LF, CR NUL or LF). */
export function pasteChunks({ lines, finalBreak }: PasteLines): string[] {
  return lines.map((line, index) => (index < lines.length - 1 || finalBreak ? `${line}\r` : line));
}

/** Drops escape sequences (colours, cursor moves) and control characters, leaving the text on screen. */
export function visibleText(output: string): string {
  return output
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]/g, '')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

export type PasteEnd = 'done' | 'aborted';

export interface PacerTarget {
  /** Text for the host, as if typed. */
  send(text: string): void;
  /** After each line: how many are sent, of how many. */
  progress?(sent: number, total: number): void;
  /** Once: every line sent, or aborted. */
  end?(result: PasteEnd): void;
}

function clampDelay(value: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(0, Math.round(value))) : 0;
}

/**
 * Sends the lines of a paste one at a time: each line (character by character with a character delay),
 * then the wait for its echo or the prompt if asked for (at most `WAIT_TIMEOUT_MS`), then the line
 * delay, then the next line. `abort` stops it: nothing more is sent.
 */
export class PastePacer {
  private readonly chunks: string[];
  private readonly settings: PasteSettings;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private line = 0;
  private finished = false;
  /** What the host showed since the current line went out, while waiting for it. */
  private output: string | undefined;
  private waitingFor: string | undefined;

  constructor(
    text: string,
    settings: PasteSettings,
    private readonly target: PacerTarget,
  ) {
    this.chunks = pasteChunks(splitPaste(text));
    this.settings = {
      ...settings,
      lineDelayMs: clampDelay(settings.lineDelayMs, MAX_LINE_DELAY_MS),
      charDelayMs: clampDelay(settings.charDelayMs, MAX_CHAR_DELAY_MS),
    };
  }

  get total(): number {
    return this.chunks.length;
  }

  get sent(): number {
    return this.line;
  }

  get done(): boolean {
    return this.finished;
  }

  start(): void {
    if (this.finished || this.line > 0 || this.timer !== undefined) return;
    this.target.progress?.(0, this.total);
    this.sendLine(0);
  }

  /** Stops the paste: lines not yet sent never are. */
  abort(): void {
    this.finish('aborted');
  }

  /** Output from the host, for the wait for the echo or the prompt. */
  observe(output: string): void {
    if (this.output === undefined || this.finished) return;
    this.output = (this.output + visibleText(output)).slice(-OUTPUT_KEPT);
    if (this.waitingFor !== undefined && this.output.includes(this.waitingFor)) this.lineDone();
  }

  private sendLine(index: number): void {
    if (this.finished) return;
    const chunk = this.chunks[index] ?? '';
    const { charDelayMs } = this.settings;
    if (charDelayMs === 0 || chunk.length <= 1) {
      this.afterSend(chunk);
      return;
    }
    // Character by character (whole code points, so no surrogate half goes out alone).
    const chars = [...chunk];
    let next = 0;
    const sendChar = () => {
      this.timer = undefined;
      if (this.finished) return;
      const char = chars[next++] ?? '';
      if (next === chars.length) {
        this.afterSend(char);
        return;
      }
      this.target.send(char);
      this.timer = setTimeout(sendChar, charDelayMs);
    };
    sendChar();
  }

  /** Sends the last part of the current line, then waits for the host if asked to. */
  private afterSend(text: string): void {
    const chunk = this.chunks[this.line] ?? '';
    const wait = this.waitText(chunk);
    if (wait !== undefined) {
      this.output = '';
      this.waitingFor = wait;
    }
    if (text) this.target.send(text);
    if (this.finished) return;
    if (wait === undefined) {
      this.lineDone();
      return;
    }
    this.timer = setTimeout(() => this.lineDone(), WAIT_TIMEOUT_MS);
  }

  private waitText(chunk: string): string | undefined {
    const { waitFor, prompt } = this.settings;
    if (waitFor === 'echo') {
      const line = chunk.replace(/\r$/, '').trim();
      return line === '' ? undefined : line;
    }
    if (waitFor === 'prompt') return prompt === '' ? undefined : prompt;
    return undefined;
  }

  private lineDone(): void {
    if (this.finished) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.output = undefined;
    this.waitingFor = undefined;
    this.line += 1;
    this.target.progress?.(this.line, this.total);
    if (this.line >= this.total) {
      this.finish('done');
      return;
    }
    const next = this.line;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendLine(next);
    }, this.settings.lineDelayMs);
  }

  private finish(result: PasteEnd): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.output = undefined;
    this.waitingFor = undefined;
    this.target.end?.(result);
  }
}
