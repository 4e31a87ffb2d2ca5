import {
  type ClientFrame,
  decodeClientFrame,
  encodeServerFrame,
  type ServerFrame,
  SUBPROTOCOL,
  SUBPROTOCOL_V2,
} from '@telgate/protocol';
import type { SocketFactory, SocketHandlers } from '../session/socket';

/** A socket the test drives by hand: it records what the session sends and plays the gateway. */
export class FakeSocket {
  protocol = '';
  isOpen = false;
  readonly sent: ClientFrame[] = [];
  closedWith: { code: number | undefined; reason: string | undefined } | undefined;

  constructor(
    readonly url: string,
    readonly offeredProtocols: readonly string[],
    private readonly handlers: SocketHandlers,
  ) {}

  send(data: Uint8Array<ArrayBuffer>): void {
    if (!this.isOpen) throw new Error('send on a socket that is not open');
    const result = decodeClientFrame(data, this.protocol === SUBPROTOCOL_V2 ? SUBPROTOCOL_V2 : undefined);
    if (!result.ok) throw new Error(`the session sent a malformed frame: ${result.message}`);
    this.sent.push(result.frame);
  }

  close(code?: number, reason?: string): void {
    this.closedWith ??= { code, reason };
    this.isOpen = false;
  }

  // ---- the gateway's side

  open(protocol = SUBPROTOCOL): void {
    this.protocol = protocol;
    this.isOpen = true;
    this.handlers.open();
  }

  receive(frame: ServerFrame): void {
    const bytes = encodeServerFrame(frame);
    // Browsers deliver binary messages as ArrayBuffers of exactly the message.
    this.handlers.message(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  receiveRaw(data: unknown): void {
    this.handlers.message(data);
  }

  serverClose(code: number, reason = ''): void {
    this.isOpen = false;
    this.handlers.close(code, reason);
  }

  framesOf<Type extends ClientFrame['type']>(type: Type): Extract<ClientFrame, { type: Type }>[] {
    return this.sent.filter((frame): frame is Extract<ClientFrame, { type: Type }> => frame.type === type);
  }
}

/** A SocketFactory that keeps every socket it made, newest last. */
export function fakeSockets(): { factory: SocketFactory; sockets: FakeSocket[]; latest(): FakeSocket } {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    factory: (url, protocols, handlers) => {
      const socket = new FakeSocket(url, protocols, handlers);
      sockets.push(socket);
      return socket;
    },
    latest: () => {
      const socket = sockets.at(-1);
      if (!socket) throw new Error('no socket was opened');
      return socket;
    },
  };
}
