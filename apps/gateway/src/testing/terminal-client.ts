import {
  type ClientFrame,
  decodeServerFrame,
  encodeClientFrame,
  type ServerFrame,
  SUBPROTOCOL,
  type Subprotocol,
} from '@telgate/protocol';
import type { FastifyInstance } from 'fastify';
import { WebSocket } from 'ws';

/** Bound on every wait of a terminal client in tests. */
export const CLIENT_WAIT_MS = 8000;

export interface TerminalClientOptions {
  /** The subprotocols offered; telgate.v1 alone by default. */
  readonly protocols?: string | readonly string[];
  /** Extra request headers, e.g. Origin. */
  readonly headers?: Record<string, string>;
  /** Answer the gateway's pings (true, as browsers do); false plays a browser that vanished. */
  readonly autoPong?: boolean;
}

/**
 * A test stand-in for the web page: a real WebSocket to a listening gateway that decodes every frame with
 * the shared codec, keeps the terminal output as text, and (unless told otherwise) acknowledges output
 * as a browser does once it has rendered it.
 */
export class TerminalClient {
  readonly frames: ServerFrame[] = [];
  /** Every message as it crossed the socket, before decoding. */
  readonly rawFrames: Buffer[] = [];
  /** All OUTPUT bytes so far. */
  private output: Buffer[] = [];
  outputBytes = 0;
  /** Acknowledge OUTPUT as it arrives; switch off to play a slow reader. */
  autoAck = true;
  private unackedBytes = 0;
  private waiters: Array<() => void> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.rawFrames.push(Buffer.from(data));
      const result = decodeServerFrame(data, (ws.protocol || SUBPROTOCOL) as Subprotocol);
      if (!result.ok) throw new Error(`undecodable frame: ${result.message}`);
      const frame = result.frame;
      this.frames.push(frame);
      if (frame.type === 'output') {
        this.output.push(Buffer.from(frame.data));
        this.outputBytes += frame.data.length;
        this.unackedBytes += frame.data.length;
        if (this.autoAck) this.ack();
      } else if (frame.type === 'screen') {
        // SCREEN counts toward the acknowledgement count as OUTPUT does.
        this.unackedBytes += frame.data.length;
        if (this.autoAck) this.ack();
      }
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString('utf8') });
        for (const w of this.waiters.splice(0)) w();
      });
    });
  }

  static async open(
    app: FastifyInstance,
    path: string,
    options: TerminalClientOptions = {},
  ): Promise<TerminalClient> {
    if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('app is not listening on TCP');
    return TerminalClient.openUrl(`ws://127.0.0.1:${address.port}${path}`, options);
  }

  /** A client of the gateway (or the proxy in front of it) at `url`, once the socket is open. */
  static async openUrl(url: string, options: TerminalClientOptions = {}): Promise<TerminalClient> {
    const protocols = options.protocols ?? SUBPROTOCOL;
    const ws = new WebSocket(url, typeof protocols === 'string' ? protocols : [...protocols], {
      ...(options.headers && { headers: options.headers }),
      ...(options.autoPong !== undefined && { autoPong: options.autoPong }),
    });
    const client = new TerminalClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  get text(): string {
    return Buffer.concat(this.output).toString('utf8');
  }

  get outputBuffer(): Buffer {
    return Buffer.concat(this.output);
  }

  /** Acknowledges every OUTPUT byte received so far. */
  ack(): void {
    if (this.unackedBytes === 0 || this.ws.readyState !== this.ws.OPEN) return;
    this.send({ type: 'ack', count: this.unackedBytes });
    this.unackedBytes = 0;
  }

  send(frame: ClientFrame): void {
    this.ws.send(encodeClientFrame(frame));
  }

  type(text: string): void {
    this.send({ type: 'input', data: Buffer.from(text, 'utf8') });
  }

  /** Waits until `predicate` holds, re-checking on every frame. */
  async until(predicate: () => boolean, what: string, timeoutMs = CLIENT_WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0 || this.ws.readyState === this.ws.CLOSED) {
        if (predicate()) return;
        throw new Error(`waited for ${what}; output so far: ${JSON.stringify(this.text.slice(-300))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForText(text: string, timeoutMs?: number): Promise<void> {
    return this.until(() => this.text.includes(text), `output containing ${JSON.stringify(text)}`, timeoutMs);
  }

  async waitForFrame<T extends ServerFrame['type']>(
    type: T,
    match: (frame: Extract<ServerFrame, { type: T }>) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<Extract<ServerFrame, { type: T }>> {
    const find = () =>
      this.frames.find((f): f is Extract<ServerFrame, { type: T }> => f.type === type && match(f as never));
    await this.until(() => find() !== undefined, `a ${type} frame`, timeoutMs);
    return find()!;
  }

  close(): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.terminate();
  }
}
