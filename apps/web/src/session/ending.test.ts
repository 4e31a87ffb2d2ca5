import { GATEWAY_ERRORS } from '@telgate/protocol';
import { describe, expect, it } from 'vitest';
import { describeEnding, PAGE_ERRORS, RESUME_ERRORS, retryAfter } from './ending';

describe('describeEnding', () => {
  it('uses the STATE frame’s code and reason first', () => {
    expect(
      describeEnding({
        stateClosed: true,
        stateCode: 'GW_ERR_DNS_FAILURE',
        stateReason: 'ENOTFOUND x',
        closeCode: 4005,
        opened: true,
      }),
    ).toEqual({
      code: 'GW_ERR_DNS_FAILURE',
      message: GATEWAY_ERRORS.GW_ERR_DNS_FAILURE.message,
      detail: 'ENOTFOUND x',
      closeCode: 4005,
      byUser: false,
    });
  });

  it('knows every gateway error by its close code alone, including 1009', () => {
    for (const [code, info] of Object.entries(GATEWAY_ERRORS)) {
      const own = Object.hasOwn(RESUME_ERRORS, code)
        ? RESUME_ERRORS[code as keyof typeof RESUME_ERRORS]
        : undefined;
      expect(describeEnding({ closeCode: info.closeCode, opened: true })).toMatchObject({
        code,
        message: own?.message ?? info.message,
      });
    }
  });

  it('lets a kiosk try again after any ending but a takeover', () => {
    expect(retryAfter(describeEnding({ closeCode: 4021, opened: true }))).toBe(false);
    expect(retryAfter(describeEnding({ closeCode: 4022, opened: true }))).toBe(true);
    expect(retryAfter(describeEnding({ closeCode: 1006, opened: true }))).toBe(true);
  });

  it('says in the page’s words that a session ended while away or was taken over', () => {
    expect(
      describeEnding({ stateClosed: true, stateCode: 'GW_ERR_RESUME_FAILED', closeCode: 4022, opened: true }),
    ).toEqual({
      code: 'GW_ERR_RESUME_FAILED',
      message: 'Session ended while you were away. Reconnect to start a new session.',
      closeCode: 4022,
      byUser: false,
    });
    expect(describeEnding({ stateClosed: true, stateCode: 'GW_ERR_TAKEN_OVER', opened: true })).toMatchObject(
      {
        code: 'GW_ERR_TAKEN_OVER',
        message: 'This session was taken over by another tab or window.',
      },
    );
  });

  it('calls a STATE closed without a code, or close 1000, a normal end', () => {
    expect(describeEnding({ stateClosed: true, opened: true })).toEqual({
      message: 'The session has ended.',
      byUser: false,
    });
    expect(describeEnding({ closeCode: 1000, opened: true })).toMatchObject({
      message: 'The session has ended.',
    });
  });

  it('tells the gateway never answering, going away, and the network dropping apart', () => {
    expect(describeEnding({ closeCode: 1006, opened: false })).toMatchObject({
      code: 'WEB_ERR_GATEWAY_UNREACHABLE',
      message: PAGE_ERRORS.WEB_ERR_GATEWAY_UNREACHABLE,
      detail: 'WebSocket close code 1006',
    });
    expect(describeEnding({ closeCode: 1001, opened: true })).toMatchObject({
      code: 'WEB_ERR_GATEWAY_SHUTDOWN',
    });
    expect(describeEnding({ closeCode: 1006, opened: true })).toMatchObject({
      code: 'WEB_ERR_CONNECTION_LOST',
    });
  });
});
