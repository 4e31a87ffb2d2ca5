import type { Socket } from 'node:net';
import { OUTPUT_HEADER_SIZE, writeOutputHeader } from '@telgate/protocol';
import type { WebSocket } from 'ws';
import type { HostDecoder } from './charset.js';

/**
 * OUTPUT messages from this size on, whose parts average at least MIN_FRAGMENT_BYTES, are sent without
 * copying (see sendOutputMessage).
 */
const FRAGMENT_FROM_BYTES = 16 * 1024;
const MIN_FRAGMENT_BYTES = 4 * 1024;
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
   * Hands over what was collected (and gives it to `tap` first): views of the host's chunks, decoded,
   * which the caller may keep (the engine and the decoders never reuse a buffer they handed out).
   */
  take(tap?: OutputTap): { parts: Uint8Array[]; bytes: number } {
    const parts = this.parts;
    const bytes = this.bytes;
    this.clear();
    if (tap) for (const p of parts) tap.write(p);
    return { parts, bytes };
  }

  /**
   * Sends what was collected as one OUTPUT message (see sendOutputMessage) and returns its payload size
   * (0 when nothing was sent). `tap` gets the output whether or not there is a socket to send it on
   * (none: the session is detached).
   */
  flush(ws: WebSocket | undefined, onSent: () => void, tap?: OutputTap): number {
    const { parts, bytes } = this.take(tap);
    if (bytes === 0 || ws === undefined || ws.readyState !== ws.OPEN) return 0;
    sendOutputMessage(ws, parts, bytes, onSent);
    return bytes;
  }
}

/**
 * Sends `parts` (`bytes` in all, at least 1) as one OUTPUT message. A large one goes out as WebSocket
 * fragments of one message — the header, then the parts as they are (views of the host's chunks) — so
 * the bytes are not copied into a frame buffer on their way; the browser still receives one message. A
 * small one (a keystroke's echo), or one cut into many small parts by Telnet commands, is copied into
 * one buffer, which costs less than the extra writes. The fragments are written with the TCP socket
 * corked, so the whole message leaves in one `writev` (ws writes each fragment on its own otherwise:
 * one system call for the 1-byte header alone).
 */
export function sendOutputMessage(
  ws: WebSocket,
  parts: Uint8Array[],
  bytes: number,
  onSent: () => void,
): void {
  if (bytes >= FRAGMENT_FROM_BYTES && bytes >= parts.length * MIN_FRAGMENT_BYTES) {
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
    return;
  }
  const frame = Buffer.allocUnsafe(OUTPUT_HEADER_SIZE + bytes);
  writeOutputHeader(frame);
  let offset = OUTPUT_HEADER_SIZE;
  for (const p of parts) {
    frame.set(p, offset);
    offset += p.length;
  }
  ws.send(frame, onSent);
}
