/**
 * The WebSocket as the session sees it: a narrow seam, so the session logic runs (and is tested)
 * without a browser.
 */

export interface SocketHandlers {
  open(): void;
  /** A message arrived: an ArrayBuffer for binary messages, a string for text ones. */
  message(data: unknown): void;
  close(code: number, reason: string): void;
}

export interface SocketHandle {
  /** The subprotocol the server selected ('' before the socket opens). */
  readonly protocol: string;
  readonly isOpen: boolean;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
}

/** Opens a socket offering `protocols` (most preferred first); may throw for an invalid URL. */
export type SocketFactory = (
  url: string,
  protocols: readonly string[],
  handlers: SocketHandlers,
) => SocketHandle;

/** A real browser WebSocket, receiving binary messages as ArrayBuffers. */
export const browserSocket: SocketFactory = (url, protocols, handlers) => {
  const ws = new WebSocket(url, [...protocols]);
  ws.binaryType = 'arraybuffer';
  ws.onopen = () => handlers.open();
  ws.onmessage = (event) => handlers.message(event.data);
  ws.onclose = (event) => handlers.close(event.code, event.reason);
  return {
    get protocol() {
      return ws.protocol;
    },
    get isOpen() {
      return ws.readyState === WebSocket.OPEN;
    },
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
  };
};

/**
 * What a session connects to: a configured target, or a host when the gateway allows free-form hosts,
 * optionally in a charset the user chose (sent as `charset=`, over the gateway's default).
 */
export type ConnectTarget =
  | { kind: 'target'; id: string }
  | { kind: 'host'; host: string; port?: number; charset?: string };

/**
 * The gateway's WebSocket URL for a target, on the page's own origin (`pageUrl` is location.href). A
 * resume names the gateway holding the session (`gw`), for a proxy in front of several to route by.
 */
export function socketUrl(pageUrl: string, target: ConnectTarget, token?: string, gateway?: string): string {
  const url = new URL('/ws', pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (target.kind === 'target') {
    url.searchParams.set('target', target.id);
  } else {
    url.searchParams.set('host', target.host);
    if (target.port !== undefined) url.searchParams.set('port', String(target.port));
    if (target.charset) url.searchParams.set('charset', target.charset);
  }
  if (token) url.searchParams.set('token', token);
  if (gateway) url.searchParams.set('gw', gateway);
  return url.href;
}

/**
 * The gateway's WebSocket URL to watch a live session read-only (`/ws?watch=<sessionId>`, a token with the
 * `watch` grant); behind several gateways `gateway` names the one holding the session (`gw`).
 */
export function watchUrl(pageUrl: string, sessionId: string, token?: string, gateway?: string): string {
  const url = new URL('/ws', pageUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('watch', sessionId);
  if (token) url.searchParams.set('token', token);
  if (gateway) url.searchParams.set('gw', gateway);
  return url.href;
}

/** A short name for a target, for status lines and recent lists: `demo`, `bbs.example.org:2323`. */
export function describeConnectTarget(target: ConnectTarget): string {
  if (target.kind === 'target') return target.id;
  if (target.port === undefined || target.port === 23) return target.host;
  // An IPv6 address needs brackets before a port: [2001:db8::1]:2323.
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${host}:${target.port}`;
}
