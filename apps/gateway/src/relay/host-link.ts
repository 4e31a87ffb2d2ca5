import type { Socket } from 'node:net';
import type { GatewayErrorCode } from '@telgate/protocol';
import type { DialAddress } from '../targets/policy.js';
import { dialHost, hostErrorCode } from './dial.js';
import { sendUrgentSynch, type UrgentSendResult, type UrgentSynchOptions } from './urgent-synch.js';

export interface HostLinkEvents {
  /** Bytes from the host. */
  readonly data: (chunk: Buffer) => void;
  /** The host's socket drained what was written to it. */
  readonly drain?: () => void;
  /** The host went away (end, close or error), reported once. */
  readonly closed: (code: GatewayErrorCode, detail: string) => void;
  /** After an accepted Logout, any way the host goes is the logout itself. */
  readonly loggedOut?: () => boolean;
}

/** The code a host's going away is reported with. */
export function hostCloseCode(err: NodeJS.ErrnoException | undefined, loggedOut: boolean): GatewayErrorCode {
  if (loggedOut) return 'GW_ERR_LOGGED_OUT';
  return err ? hostErrorCode(err) : 'GW_ERR_HOST_CLOSED';
}

/** TCP keepalive probes start after this long without traffic: a host that vanished is noticed. */
export const HOST_KEEPALIVE_MS = 30_000;

/** The TCP connection to one host: dialled to the checked address, its end mapped to a close code. */
export class HostLink {
  private ended = false;

  private constructor(
    private readonly socket: Socket,
    private readonly events: HostLinkEvents,
  ) {
    socket.setKeepAlive(true, HOST_KEEPALIVE_MS);
    socket.on('data', (chunk: Buffer) => events.data(chunk));
    socket.on('drain', () => events.drain?.());
    socket.on('end', () => this.report(undefined));
    socket.on('close', () => this.report(undefined));
    socket.on('error', (err: NodeJS.ErrnoException) => this.report(err));
  }

  /** Connects to exactly `address` within `timeoutMs`; rejects with a GatewayError. */
  static async open(
    address: DialAddress,
    timeoutMs: number,
    signal: AbortSignal,
    events: HostLinkEvents,
  ): Promise<HostLink> {
    const socket = await dialHost(address, timeoutMs, signal);
    return new HostLink(socket, events);
  }

  /** Queues bytes for the host; false once its socket's buffer is over its own mark. */
  write(bytes: Uint8Array): boolean {
    if (this.socket.destroyed || bytes.length === 0) return true;
    return this.socket.write(bytes);
  }

  /** Bytes written and not yet taken by the kernel. */
  get writableLength(): number {
    return this.socket.writableLength;
  }

  get destroyed(): boolean {
    return this.socket.destroyed;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** RFC 854 Synch: IAC DM with the DM as TCP urgent data (see urgent-synch.ts). */
  sendUrgentSynch(options?: UrgentSynchOptions): Promise<UrgentSendResult> {
    return sendUrgentSynch(this.socket, options);
  }

  /** Writes until `uncork` go out together (one TCP segment when they fit). */
  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  /**
   * Ends the connection after what was written has gone out (FIN after the last byte), destroying it
   * at once when nothing is queued, and after `graceMs` at the latest for a host that does not read.
   */
  close(graceMs: number): void {
    this.ended = true;
    const socket = this.socket;
    if (socket.destroyed) return;
    if (socket.writableLength === 0) {
      socket.destroy();
      return;
    }
    socket.pause();
    const timer = setTimeout(() => socket.destroy(), graceMs);
    timer.unref();
    socket.end(() => {
      clearTimeout(timer);
      socket.destroy();
    });
  }

  destroy(): void {
    this.ended = true;
    this.socket.destroy();
  }

  private report(err: NodeJS.ErrnoException | undefined): void {
    if (this.ended) return;
    this.ended = true;
    const code = hostCloseCode(err, this.events.loggedOut?.() ?? false);
    const detail = err
      ? `${err.code ?? err.message}`
      : code === 'GW_ERR_LOGGED_OUT'
        ? 'the host ended the session'
        : 'the host closed the connection';
    this.events.closed(code, detail);
  }
}
