import { useEffect, useState } from 'react';
import { TelgateSession } from '../session/session';
import { NO_CONTROLS } from '../ui/controls';
import { Workspace } from '../ui/Workspace';
import type { AppearanceProps } from './preferences';
import type { Route } from './route';

type WatchRoute = Extract<Route, { mode: 'watch' }>;

/**
 * `/?watch=SESSION_ID&token=…`: another's live session, read-only, for a supervisor whose token has the
 * `watch` grant. The screen as it stands, then the output as the user gets it; no toolbar, no actions,
 * and nothing typed here reaches the host. The token is not left in the address bar once read; it
 * stays in this page's memory, for "Watch again".
 */
export function WatchApp({ route, preferences, onPreferences }: AppearanceProps & { route: WatchRoute }) {
  const [session] = useState(() => new TelgateSession({ pageUrl: window.location.href }));

  useEffect(() => {
    const offs = [
      session.on('connected', ({ target }) => {
        document.title = `Watching ${target?.label || target?.id || route.sessionId} · telgate`;
      }),
    ];
    session.watch(route.sessionId, route.token, route.gateway);
    document.title = 'Watching · telgate';
    return () => {
      for (const off of offs) off();
      session.dispose();
    };
  }, [session, route.sessionId, route.token, route.gateway]);

  useEffect(() => {
    if (!route.token) return;
    const url = new URL(window.location.href);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', `${url.pathname}${url.search}`);
  }, [route.token]);

  return (
    <Workspace
      session={session}
      variant="standalone"
      renderer={route.renderer}
      preferences={preferences}
      onPreferences={onPreferences}
      showToolbar={false}
      controls={NO_CONTROLS}
      readOnly
      onReconnect={() => session.reconnect()}
      reconnectLabel="Watch again"
    />
  );
}
