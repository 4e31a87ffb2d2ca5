import { closeCodeFor, encodeServerFrame, type GatewayErrorCode, type ServerFrame } from '@telgate/protocol';
import { WebSocket } from 'ws';

/** How long an observer dropped for falling behind has to take its close frame before it is cut off. */
const DROP_GRACE_MS = 2000;

/** Who watches: the observer's token subject and address. */
export interface ObserverInfo {
  readonly user: string;
  readonly clientIp: string;
}

export interface ObserverEvents {
  /** An observer joined; `count` observers watch now. */
  readonly joined: (observer: ObserverInfo, count: number) => void;
  /** An observer left (closed, dropped, or the session ended); `count` observers watch now. */
  readonly left: (observer: ObserverInfo, count: number, why: string) => void;
}

interface Observer {
  readonly socket: WebSocket;
  readonly info: ObserverInfo;
  readonly detach: () => void;
}

/**
 * The read-only observers of one session. Each gets the session's output as OUTPUT frames (one frame,
 * encoded once, for all of them); whatever an observer sends is read and ignored. Observers are not
 * flow-controlled: one whose socket holds more than `maxBufferedBytes` unsent is dropped with
 * GW_ERR_SLOW_CLIENT, so no observer ever holds the host or the user back.
 */
export class SessionObservers {
  readonly #observers = new Set<Observer>();
  /** Frames observers sent, all ignored. */
  ignoredFrames = 0;

  constructor(
    private readonly maxBufferedBytes: number,
    private readonly events: ObserverEvents,
  ) {}

  get count(): number {
    return this.#observers.size;
  }

  /** Starts sending the session's output to `socket` (which already got STATE, SETTINGS and SCREEN). */
  add(socket: WebSocket, info: ObserverInfo): void {
    const onMessage = (): void => {
      this.ignoredFrames++;
    };
    const onClose = (): void => this.#remove(observer, 'the observer closed its socket');
    const observer: Observer = {
      socket,
      info,
      detach: () => {
        socket.off('message', onMessage);
        socket.off('close', onClose);
      },
    };
    socket.on('message', onMessage);
    socket.once('close', onClose);
    this.#observers.add(observer);
    socket.resume();
    this.events.joined(info, this.#observers.size);
    if (socket.readyState !== WebSocket.OPEN) this.#remove(observer, 'the observer closed its socket');
  }

  /** Output the user gets (UTF-8), to every observer. */
  output(data: Uint8Array): void {
    if (this.#observers.size === 0 || data.byteLength === 0) return;
    this.send({ type: 'output', data });
  }

  /** A frame to every observer; one that fell too far behind is dropped instead. */
  send(frame: ServerFrame): void {
    if (this.#observers.size === 0) return;
    const bytes = encodeServerFrame(frame);
    for (const observer of [...this.#observers]) {
      const { socket } = observer;
      if (socket.readyState !== WebSocket.OPEN) {
        this.#remove(observer, 'the observer closed its socket');
      } else if (socket.bufferedAmount > this.maxBufferedBytes) {
        this.#close(observer, 'GW_ERR_SLOW_CLIENT', 'the observer fell behind');
      } else {
        socket.send(bytes);
      }
    }
  }

  /** The session ended: every observer gets STATE closed (with the session's code), then the close. */
  closeAll(code: GatewayErrorCode | undefined, reason: string, sessionId: string): void {
    for (const observer of [...this.#observers]) {
      const { socket } = observer;
      if (socket.readyState === WebSocket.OPEN) {
        socket.send(
          encodeServerFrame({ type: 'state', state: 'closed', ...(code && { code }), reason, sessionId }),
        );
      }
      this.#remove(observer, 'the session ended');
      socket.close(code ? closeCodeFor(code) : 1000, code ?? '');
    }
  }

  #close(observer: Observer, code: GatewayErrorCode, why: string): void {
    this.#remove(observer, why);
    const { socket } = observer;
    socket.close(closeCodeFor(code), code);
    // The close frame waits behind what the observer has not read: one that never reads is cut off.
    setTimeout(() => socket.terminate(), DROP_GRACE_MS).unref();
  }

  #remove(observer: Observer, why: string): void {
    if (!this.#observers.delete(observer)) return;
    observer.detach();
    this.events.left(observer.info, this.#observers.size, why);
  }
}
