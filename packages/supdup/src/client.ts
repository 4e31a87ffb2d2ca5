import {
  encodeCursorPosition,
  encodeKey,
  encodeLocation,
  encodeLogout,
  encodeText,
  type KeyEncoding,
  type SupdupKey,
} from './input.js';
import { SupdupDisplay, type SupdupOutputEvent } from './output.js';
import { decodeSupdupOutputBlock, encodeSupdupOutputParameters } from './supdup-output.js';
import {
  buildTtyopt,
  clampScreen,
  encodeInitialization,
  type SupdupTerminalParameters,
  type TtyoptChoices,
  terminalParameters,
} from './words.js';

export type SupdupEvent =
  | SupdupOutputEvent
  /** Bytes for the server. Every byte the engine wants sent goes through this event. */
  | { type: 'send'; data: Uint8Array };

export type SupdupEventHandler = (event: SupdupEvent) => void;

export interface SupdupClientOptions extends TtyoptChoices {
  /** The terminal's size; clamped to 2–128 columns and 1–128 lines (see README, "Limits"). */
  cols: number;
  rows: number;
  /** Send the RFC 747 variables SMARTS, ISPEED, OSPEED (count −8) — default true; false sends RFC 734's five. */
  rfc747Variables?: boolean;
  /** RFC 747 line speeds in baud; 0 (the default) means unknown. */
  ispeed?: number;
  ospeed?: number;
  /**
   * Where the terminal's cursor is when SUPDUP starts (0-based; default the top left corner) — after a
   * Telnet session switched to SUPDUP (RFC 736) it is wherever the Telnet output left it.
   */
  initialCursor?: { row: number; col: number };
  /** Send Super/Hyper in the bucky bits RFC 734 reserves (1000, 2000). Default false. */
  superHyperBits?: boolean;
}

/** What `resize()` tells the page. */
export interface ResizeResult {
  supported: false;
  /** The size the server still believes in. */
  cols: number;
  rows: number;
  reason: string;
}

export const RESIZE_UNSUPPORTED_REASON =
  'SUPDUP sends the screen size once, in the initialization (RFC 734); no RFC defines a way to change it ' +
  'on an open connection. Reconnect to use the new size.';

/**
 * A SUPDUP user (client) engine, sans IO: feed it the server's bytes with `receive()`, write every `send`
 * event's bytes to the connection and every `output` event's bytes to xterm.js.
 */
export class SupdupClient {
  readonly cols: number;
  readonly rows: number;
  readonly parameters: SupdupTerminalParameters;
  private readonly display: SupdupDisplay;
  private readonly fullCharacterInput: boolean;
  private readonly superHyperBits: boolean;
  private started = false;

  constructor(
    options: SupdupClientOptions,
    private readonly onEvent: SupdupEventHandler,
  ) {
    const screen = clampScreen(options.cols, options.rows);
    this.cols = screen.cols;
    this.rows = screen.rows;
    this.fullCharacterInput = options.fullCharacterInput ?? true;
    this.superHyperBits = options.superHyperBits ?? false;
    const extra: { rfc747?: boolean; ispeed?: number; ospeed?: number } = {};
    if (options.rfc747Variables !== undefined) extra.rfc747 = options.rfc747Variables;
    if (options.ispeed !== undefined) extra.ispeed = options.ispeed;
    if (options.ospeed !== undefined) extra.ospeed = options.ospeed;
    this.parameters = terminalParameters(this.cols, this.rows, buildTtyopt(options), extra);
    this.display = new SupdupDisplay(this.cols, this.rows, onEvent, (row, col) =>
      this.send(encodeCursorPosition(row, col)),
    );
    if (options.initialCursor) this.display.placeCursor(options.initialCursor.row, options.initialCursor.col);
  }

  /** Sends the initialization block (RFC 734). Call once, when the connection is up; later calls do nothing. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.send(encodeInitialization(this.parameters));
  }

  /** Bytes from the server, any chunking. */
  receive(chunk: Uint8Array): void {
    this.display.receive(chunk);
  }

  /** Where the engine has the cursor (0-based); `col` may equal `cols` when stuck past the last column. */
  get cursor(): { row: number; col: number } {
    return this.display.cursor;
  }

  /** True until the server's first %TDNOP. */
  get inGreeting(): boolean {
    return this.display.inGreeting;
  }

  /** Typed or pasted text; returns how many characters could not be sent (non-ASCII). */
  sendText(text: string): { dropped: number } {
    const { bytes, dropped } = encodeText(text);
    if (bytes.length > 0) this.send(bytes);
    return { dropped };
  }

  /** One key with modifiers (RFC 734 bucky bits when %TOFCI is on, folded to ASCII when it is off). */
  sendKey(key: SupdupKey): KeyEncoding & { sent: boolean } {
    const encoding = encodeKey(key, {
      fullCharacterInput: this.fullCharacterInput,
      superHyperBits: this.superHyperBits,
    });
    if (encoding.bytes.length > 0) this.send(encoding.bytes);
    return { ...encoding, sent: encoding.bytes.length > 0 };
  }

  /** Asks the server to log the job out (300 301); send it just before closing. */
  logout(): void {
    this.send(encodeLogout());
  }

  /** Tells the server the console location (300 302 … 000). */
  sendLocation(location: string): void {
    this.send(encodeLocation(location));
  }

  /**
   * RFC 749 SUPDUP-OUTPUT: the payload of `IAC SB SUPDUP-OUTPUT … IAC SE` from the server (after the option
   * byte, IAC IAC already undone). `cursor` is where the terminal's cursor is now — Telnet output moves it
   * without the engine seeing. Returns false, drawing nothing, when the payload is not a valid block.
   */
  receiveOutputBlock(payload: Uint8Array, cursor: { row: number; col: number }): boolean {
    const block = decodeSupdupOutputBlock(payload);
    if (!block) return false;
    this.display.beginOutputBlock(cursor.row, cursor.col);
    this.display.receive(block.codes);
    this.display.endOutputBlock(block.row, block.col);
    return true;
  }

  /** RFC 749: the user's answer to IAC WILL SUPDUP-OUTPUT — the payload of `IAC SB SUPDUP-OUTPUT 1 … IAC SE`. */
  supdupOutputParameters(): Uint8Array {
    return encodeSupdupOutputParameters(this.parameters);
  }

  /** SUPDUP cannot change the size of an open connection: see RESIZE_UNSUPPORTED_REASON. Nothing is sent. */
  resize(_cols: number, _rows: number): ResizeResult {
    return { supported: false, cols: this.cols, rows: this.rows, reason: RESIZE_UNSUPPORTED_REASON };
  }

  private send(data: Uint8Array): void {
    this.onEvent({ type: 'send', data });
  }
}

export function createSupdupClient(options: SupdupClientOptions, onEvent: SupdupEventHandler): SupdupClient {
  return new SupdupClient(options, onEvent);
}
