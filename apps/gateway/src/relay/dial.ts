import { connect, type Socket } from 'node:net';
import { GatewayError } from '../errors.js';
import type { DialAddress } from '../targets/policy.js';

/** Maps a TCP failure to the code the user sees (RFC 1123 §3.4.3: report connection errors). */
export function hostErrorCode(err: NodeJS.ErrnoException): GatewayError['code'] {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'GW_ERR_HOST_REFUSED';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'GW_ERR_HOST_RESET';
    case 'ETIMEDOUT':
      return 'GW_ERR_TIMEOUT';
    default:
      // EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN, EADDRNOTAVAIL and anything else.
      return 'GW_ERR_HOST_UNREACHABLE';
  }
}

/** Opens the TCP connection to exactly the address the policy checked, within `timeoutMs`. */
export function dialHost(address: DialAddress, timeoutMs: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address.address, port: address.port, family: address.family });
    const fail = (error: GatewayError) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () =>
        fail(
          new GatewayError(
            'GW_ERR_TIMEOUT',
            `no answer from ${address.address}:${address.port} in ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    const onError = (err: NodeJS.ErrnoException) =>
      fail(
        new GatewayError(
          hostErrorCode(err),
          `${address.address}:${address.port}: ${err.code ?? err.message}`,
        ),
      );
    const onAbort = () => fail(new GatewayError('GW_ERR_INTERNAL', 'the session ended while connecting'));
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      cleanup();
      // Keystrokes are tiny and latency-bound.
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}
