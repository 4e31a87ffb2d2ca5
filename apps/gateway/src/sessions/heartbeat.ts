import { encodeServerFrame } from '@telgate/protocol';
import type { WebSocket } from 'ws';

/**
 * Keeps a session's page able to tell a live gateway from a frozen one. Browsers cannot see WebSocket
 * pings, so the gateway sends a HEARTBEAT frame when the session starts (announcing the interval) and
 * then whenever it has sent the page nothing else for `intervalMs`. Whatever the session handler sends
 * counts: a busy session gets no heartbeats. Nothing is added while earlier frames still wait in the
 * socket's send buffer (they will reach the page first), so a page that stopped reading costs nothing.
 * Returns the function that stops it; it also stops by itself when the socket closes.
 */
export function startHeartbeat(socket: WebSocket, intervalMs: number): () => void {
  if (intervalMs <= 0 || socket.readyState !== socket.OPEN) return () => {};
  const frame = encodeServerFrame({ type: 'heartbeat', intervalMs });
  let lastSentAt = Date.now();
  let timer: NodeJS.Timeout | undefined;

  // Every frame the handler sends, on this socket only. Output goes through here for every host chunk,
  // so the wrapper takes ws's fixed arguments instead of gathering an array each time.
  const send = socket.send;
  socket.send = function (this: WebSocket, data: unknown, options?: unknown, cb?: unknown) {
    lastSentAt = Date.now();
    return (send as (data: unknown, options?: unknown, cb?: unknown) => void).call(this, data, options, cb);
  } as WebSocket['send'];

  const beat = () => {
    if (socket.readyState === socket.OPEN && socket.bufferedAmount === 0) socket.send(frame);
  };
  const check = (delayMs: number) => {
    timer = setTimeout(() => {
      if (socket.readyState !== socket.OPEN) return;
      const quietMs = Date.now() - lastSentAt;
      if (quietMs >= intervalMs) {
        beat();
        check(intervalMs);
      } else {
        check(intervalMs - quietMs);
      }
    }, delayMs);
  };

  const stop = () => clearTimeout(timer);
  socket.once('close', stop);
  beat();
  check(intervalMs);
  return stop;
}
