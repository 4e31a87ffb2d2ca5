import { Cmd, Opt } from '../constants.js';
import type { OptionBehaviour, OptionHandler } from './types.js';

export interface LogoutBehaviour extends OptionBehaviour {
  /** DO LOGOUT, or the confirmation of an auto-logout the peer warned of. */
  request(): boolean;
  /** Answers a `logout-warning`: `false` sends DONT LOGOUT ("stay logged in"), `true` lets the host log out. */
  answerAutoLogout(allow: boolean): boolean;
}

/**
 * LOGOUT (RFC 727). Our DO LOGOUT is answered WILL (`logout accepted`) or WONT (`logout refused`); an
 * unrequested WILL LOGOUT warns of an auto-logout and waits for the user's answer.
 */
export const logout: OptionHandler = {
  code: Opt.LOGOUT,
  policy: {
    // We ask the host to log out (DO); a host asking us to log out means nothing for a terminal.
    client: { local: 'refuse', remote: 'accept' },
    server: { local: 'accept', remote: 'refuse' },
  },
  attach(ctx): LogoutBehaviour {
    const opt = Opt.LOGOUT;
    let warned = false;
    const answerAutoLogout = (allow: boolean): boolean => {
      if (!warned) {
        ctx.warn('TELNET_ERR_BAD_REQUEST', 'no auto-logout warning to answer');
        return false;
      }
      warned = false;
      ctx.answerOffer('remote', opt, allow);
      if (allow) ctx.emit({ type: 'logout', result: 'accepted' });
      return true;
    };
    return {
      received(verb) {
        if (verb === Cmd.WONT) warned = false;
        return false;
      },
      offered(side) {
        if (side === 'local') return true;
        warned = true;
        ctx.emit({ type: 'logout-warning' });
        return false;
      },
      answered(side, accepted) {
        if (side === 'remote') ctx.emit({ type: 'logout', result: accepted ? 'accepted' : 'refused' });
      },
      request() {
        if (warned) return answerAutoLogout(true);
        return ctx.request('remote', opt, true);
      },
      answerAutoLogout,
    };
  },
};
