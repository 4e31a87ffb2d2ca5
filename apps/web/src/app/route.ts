import type { ConnectTarget } from '../session/socket';

import type { RendererChoice } from '../terminal/terminal-view';
import type { Theme } from '../terminal/themes';

interface Common {
  readonly renderer: RendererChoice;
  /** A theme the URL asks for, overriding the user's preference. */
  readonly theme?: Theme;
}

/**
 * The three ways the page is used, chosen by the path:
 * - `/`: the connect screen, or `/?target=ID` (`/?host=H&port=P`) straight to a host;
 * - `/embed?target=ID&token=…`: only the terminal, for an iframe, driven by postMessage;
 * - `/kiosk?target=ID`: full screen on one host, reconnecting by itself;
 * - `/?watch=SESSION_ID&token=…`: another's live session, read-only (a token with the `watch` grant).
 */
export type Route =
  | (Common & { readonly mode: 'standalone'; readonly connect?: ConnectTarget })
  | (Common & {
      readonly mode: 'embed';
      readonly target: string;
      readonly token?: string;
      /** Show the slim status and actions bar (`bar=1`). */
      readonly bar: boolean;
      /** Connect at once (default), or wait for the parent's `telgate:connect` (`autoconnect=0`). */
      readonly autoConnect: boolean;
    })
  | (Common & { readonly mode: 'kiosk'; readonly target: string })
  /** `/recordings?token=…`: the operators' recordings page (the token needs the `recordings` grant). */
  | (Common & { readonly mode: 'recordings'; readonly token?: string })
  /** `/?watch=SESSION_ID&token=…[&gw=GATEWAY_ID]`: a live session, read-only. */
  | (Common & {
      readonly mode: 'watch';
      readonly sessionId: string;
      readonly token?: string;
      /** The gateway holding the session, behind several (`gw`). */
      readonly gateway?: string;
    })
  | { readonly mode: 'invalid'; readonly message: string };

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

export function parseRoute(pathname: string, search: string): Route {
  const params = new URLSearchParams(search);
  const path = pathname.replace(/\/+$/, '') || '/';
  const theme = parseTheme(params.get('theme'));
  const common: Common = {
    renderer: params.get('renderer') === 'dom' ? 'dom' : 'auto',
    ...(theme ? { theme } : {}),
  };
  const target = nonEmpty(params.get('target'));

  switch (path) {
    case '/':
    case '/index.html': {
      const watch = nonEmpty(params.get('watch'));
      if (watch) {
        const token = nonEmpty(params.get('token'));
        const gateway = nonEmpty(params.get('gw'));
        return {
          ...common,
          mode: 'watch',
          sessionId: watch,
          ...(token ? { token } : {}),
          ...(gateway ? { gateway } : {}),
        };
      }
      if (target) return { ...common, mode: 'standalone', connect: { kind: 'target', id: target } };
      const host = nonEmpty(params.get('host'));
      if (!host) return { ...common, mode: 'standalone' };
      const charsetText = nonEmpty(params.get('charset'));
      const charset = charsetText ? { charset: charsetText } : {};
      const portText = params.get('port');
      if (portText === null || portText === '') {
        return { ...common, mode: 'standalone', connect: { kind: 'host', host, ...charset } };
      }
      const port = parsePort(portText);
      if (port === undefined) {
        return {
          mode: 'invalid',
          message: `The port in this link, “${portText}”, is not a number from 1 to 65535.`,
        };
      }
      return { ...common, mode: 'standalone', connect: { kind: 'host', host, port, ...charset } };
    }
    case '/embed': {
      if (!target)
        return { mode: 'invalid', message: 'An embedded terminal needs a target: /embed?target=ID.' };
      const token = nonEmpty(params.get('token'));
      return {
        ...common,
        mode: 'embed',
        target,
        ...(token ? { token } : {}),
        bar: TRUE_WORDS.has(params.get('bar') ?? ''),
        autoConnect: !FALSE_WORDS.has(params.get('autoconnect') ?? ''),
      };
    }
    case '/kiosk':
      if (!target) return { mode: 'invalid', message: 'A kiosk terminal needs a target: /kiosk?target=ID.' };
      return { ...common, mode: 'kiosk', target };
    case '/recordings': {
      const token = nonEmpty(params.get('token'));
      return { ...common, mode: 'recordings', ...(token ? { token } : {}) };
    }
    default:
      return { mode: 'invalid', message: `There is no page at ${pathname}.` };
  }
}

/** The standalone page's URL for a connection, so a reload or a shared link opens it again. */
export function standaloneHref(connect: ConnectTarget | undefined): string {
  if (!connect) return '/';
  const params = new URLSearchParams();
  if (connect.kind === 'target') {
    params.set('target', connect.id);
  } else {
    params.set('host', connect.host);
    if (connect.port !== undefined) params.set('port', String(connect.port));
    if (connect.charset) params.set('charset', connect.charset);
  }
  return `/?${params}`;
}

/** The page that watches a live session read-only (the token needs the `watch` grant). */
export function watchHref(sessionId: string, token?: string, gateway?: string): string {
  const params = new URLSearchParams({ watch: sessionId });
  if (token) params.set('token', token);
  if (gateway) params.set('gw', gateway);
  return `/?${params}`;
}

function nonEmpty(value: string | null): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function parseTheme(value: string | null): Theme | undefined {
  return value === 'light' || value === 'dark' ? value : undefined;
}

/** A TCP port from text: an integer from 1 to 65535, digits only. */
export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text.trim())) return undefined;
  const port = Number(text.trim());
  return port >= 1 && port <= 65535 ? port : undefined;
}
