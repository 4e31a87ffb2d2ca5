import { describe, expect, it } from 'vitest';
import {
  closeCodeFor,
  errorForCloseCode,
  GATEWAY_ERRORS,
  type GatewayErrorCode,
  isGatewayErrorCode,
  NORMAL_CLOSURE,
} from './close-codes.js';

const codes = Object.keys(GATEWAY_ERRORS) as GatewayErrorCode[];

describe('gateway error codes', () => {
  it('keeps the published close codes stable', () => {
    expect(Object.fromEntries(codes.map((code) => [code, closeCodeFor(code)]))).toEqual({
      GW_ERR_TARGET_DENIED: 4001,
      GW_ERR_AUTH_FAILED: 4002,
      GW_ERR_HOST_UNREACHABLE: 4003,
      GW_ERR_HOST_REFUSED: 4004,
      GW_ERR_DNS_FAILURE: 4005,
      GW_ERR_TIMEOUT: 4006,
      GW_ERR_HOST_CLOSED: 4007,
      GW_ERR_PROTOCOL: 4008,
      GW_ERR_IDLE_TIMEOUT: 4009,
      GW_ERR_OVERLOADED: 4010,
      GW_ERR_BAD_FRAME: 4011,
      GW_ERR_UNKNOWN_TARGET: 4012,
      GW_ERR_LOGGED_OUT: 4013,
      GW_ERR_INTERNAL: 4014,
      GW_ERR_HOST_RESET: 4015,
      GW_ERR_SHUTDOWN: 4016,
      GW_ERR_SLOW_CLIENT: 4017,
      GW_ERR_CLIENT_GONE: 4018,
      GW_ERR_HOST_ABUSE: 4019,
      GW_ERR_TOKEN_EXPIRED: 4020,
      GW_ERR_TAKEN_OVER: 4021,
      GW_ERR_RESUME_FAILED: 4022,
      GW_ERR_BAD_CHARSET: 4023,
      GW_ERR_LIMITS_OFFLINE: 4024,
      GW_ERR_WATCH_REFUSED: 4025,
      GW_ERR_FRAME_TOO_LARGE: 1009,
    });
    expect(NORMAL_CLOSURE).toBe(1000);
  });

  it('gives every error its own close code, valid for an application to send', () => {
    const closeCodes = codes.map(closeCodeFor);
    expect(new Set(closeCodes).size).toBe(codes.length);
    for (const closeCode of closeCodes) {
      // RFC 6455 §7.4: 1009 is a standard code an endpoint may send; 4000–4999 are private use.
      expect(closeCode === 1009 || (closeCode >= 4000 && closeCode <= 4999)).toBe(true);
    }
  });

  it('has a message for every error, and names that fit a close reason (≤ 123 bytes)', () => {
    for (const code of codes) {
      expect(GATEWAY_ERRORS[code].message.length).toBeGreaterThan(20);
      expect(GATEWAY_ERRORS[code].message).toMatch(/\.$/);
      expect(Buffer.byteLength(code)).toBeLessThanOrEqual(123);
    }
  });

  it('maps close codes back to errors', () => {
    for (const code of codes) {
      expect(errorForCloseCode(closeCodeFor(code))).toEqual({ code, ...GATEWAY_ERRORS[code] });
    }
    expect(errorForCloseCode(4004)?.code).toBe('GW_ERR_HOST_REFUSED');
    expect(errorForCloseCode(1009)?.code).toBe('GW_ERR_FRAME_TOO_LARGE');
  });

  it('knows nothing about other close codes, including a normal close', () => {
    for (const closeCode of [NORMAL_CLOSURE, 1001, 1006, 4000, 4099, 4999, 0, -1, 4001.5, Number.NaN]) {
      expect(errorForCloseCode(closeCode)).toBeUndefined();
    }
  });

  it('recognises error names without trusting inherited properties', () => {
    expect(isGatewayErrorCode('GW_ERR_TIMEOUT')).toBe(true);
    for (const value of [
      'GW_ERR_NOPE',
      'toString',
      '__proto__',
      'hasOwnProperty',
      '',
      4006,
      null,
      undefined,
      {},
    ]) {
      expect(isGatewayErrorCode(value)).toBe(false);
    }
  });
});
