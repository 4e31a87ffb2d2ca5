import type { Socket } from 'node:net';
import { OUTPUT_HEADER_SIZE, writeOutputHeader } from '@telgate/protocol';
import type { WebSocket } from 'ws';
import type { HostDecoder } from './charset.js';

/** OUTPUT frames from this size on, in at most this many parts, are sent without copying (see flush). */
const FRAGMENT_FROM_BYTES = 16 * 1024;
const MAX_FRAGMENTS = 4;
/** An OUTPUT frame's header alone: the first fragment of a fragmented OUTPUT message. Never written to. */
const OUTPUT_HEADER = Buffer.alloc(OUTPUT_HEADER_SIZE);
writeOutputHeader(OUTPUT_HEADER);
const MORE_FRAGMENTS = { binary: true, fin: false } as const;
const LAST_FRAGMENT = { binary: true, fin: true } as const;

/**
 * The TCP socket under a server-side WebSocket (ws keeps it as `_socket`; stable across ws 8), or
 * undefined if a ws release ever moves it — fragments then go out one system call each, as before.
 */
function tcpSocketOf(ws: WebSocket): Socket | undefined {
  const socket = (ws as unknown as { _socket?: Socket })._socket;
  return socket && typeof socket.cork === 'function' ? socket : undefined;
}

/** Sees every OUTPUT payload, as sent (e.g. the session's screen state). */
export interface OutputTap {
  write(data: Uint8Array): void;
}

/**
 * Host output on its way to the browser: the data parts the engine produces while it handles one host
 * chunk are decoded from the host's charset and collected, then sent as one OUTPUT frame.
 */
export class OutputFramer {
  private parts: Uint8Array[] = [];
  private bytes = 0;

  constructor(private readonly decode: HostDecoder) {}

  collect(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const utf8 = this.decode(bytes);
    if (utf8.length === 0) return;
    this.parts.push(utf8);
    this.bytes += utf8.length;
  }

  /** Bytes collected and not yet sent. */
  get size(): number {
    return this.bytes;
  }

  /** Drops what was collected and not yet sent. */
  clear(): void {
    this.parts = [];
    this.bytes = 0;
  }

  /**
   * Sends what was collected as one OUTPUT frame and returns its payload size (0 when nothing was sent).
   * A large one goes out as WebSocket fragments of one message — the header, then the data parts as
   * they are (views of the host's chunk) — so the bytes are not copied into a frame buffer on their
   * way; the browser still receives one message. A small one (a keystroke's echo), or one cut into many
   * parts by Telnet commands, is copied into one buffer, which costs less than the extra writes.
   * The fragments are written with the TCP socket corked, so the whole message leaves in one `writev`
   * (ws writes each fragment on its own otherwise: one system call for the 1-byte header alone).
   * `tap` gets the output whether or not there is a socket to send it on (none: the session is detached).
   */
  flush(ws: WebSocket | undefined, onSent: () => void, tap?: OutputTap): number {
    const total = this.bytes;
    if (total === 0) return 0;
    const parts = this.parts;
    this.clear();
    if (tap) for (const p of parts) tap.write(p);
    if (ws === undefined || ws.readyState !== ws.OPEN) return 0;
    if (total >= FRAGMENT_FROM_BYTES && parts.length <= MAX_FRAGMENTS) {
      const socket = tcpSocketOf(ws);
      socket?.cork();
      try {
        ws.send(OUTPUT_HEADER, MORE_FRAGMENTS);
        const last = parts.length - 1;
        for (let k = 0; k < last; k++) ws.send(parts[k]!, MORE_FRAGMENTS);
        ws.send(parts[last]!, LAST_FRAGMENT, onSent);
      } finally {
        socket?.uncork();
      }
      return total;
    }
    const frame = Buffer.allocUnsafe(OUTPUT_HEADER_SIZE + total);
    writeOutputHeader(frame);
    let offset = OUTPUT_HEADER_SIZE;
    for (const p of parts) {
      frame.set(p, offset);
      offset += p.length;
    }
    ws.send(frame, onSent);
    return total;
  }
}
