import { useEffect, useState } from 'react';
import { TelgateSession } from '../session/session';
import type { ConnectTarget } from '../session/socket';
import { ConnectScreen } from '../ui/ConnectScreen';
import { FullScreenButton } from '../ui/FullScreenButton';
import { useRememberedLineSettings } from '../ui/hooks';
import { Workspace } from '../ui/Workspace';
import { saveLineSettings } from './line-settings';
import type { AppearanceProps } from './preferences';
import { forgetRecent, loadRecent, type RecentTarget, rememberRecent } from './recent-targets';
import { parseRoute, type Route, standaloneHref } from './route';
import { browserSessionStorage, browserStorage } from './storage';

type StandaloneRoute = Extract<Route, { mode: 'standalone' }>;

const BASE_TITLE = 'telgate';

/**
 * The page at /: the connect screen, or a session when the URL names a target. The URL always says
 * which (`/?target=ID`), so a reload or Reconnect reaches the same host, and Back leaves the session.
 */
export function StandaloneApp({
  route,
  preferences,
  onPreferences,
}: AppearanceProps & { route: StandaloneRoute }) {
  const [session] = useState(
    () => new TelgateSession({ pageUrl: window.location.href, resumeStorage: browserSessionStorage() }),
  );
  useRememberedLineSettings(session, browserStorage());
  const [connect, setConnect] = useState<ConnectTarget | undefined>(route.connect);
  const [recent, setRecent] = useState<RecentTarget[]>(() => loadRecent(browserStorage()));
  const [notice, setNotice] = useState<string | undefined>();

  // Back and Forward move between the connect screen and sessions.
  useEffect(() => {
    const onPopState = () => {
      const next = parseRoute(window.location.pathname, window.location.search);
      if (next.mode === 'standalone') setConnect(next.connect);
      else setNotice(next.mode === 'invalid' ? next.message : undefined);
    };
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  useEffect(() => {
    if (connect) session.connect(connect);
    else session.disconnect();
    document.title = BASE_TITLE;
    return () => session.dispose();
  }, [session, connect]);

  // A host goes into the recent list once a session to it actually started.
  useEffect(
    () =>
      session.on('connected', ({ target }) => {
        const requested = session.getSnapshot().requested;
        if (!requested) return;
        const label = target?.label;
        setRecent(rememberRecent(browserStorage(), { ...requested, ...(label ? { label } : {}) }));
        document.title = `${label ?? target?.id ?? BASE_TITLE} · ${BASE_TITLE}`;
      }),
    [session],
  );

  const open = (target: ConnectTarget | undefined) => {
    const href = standaloneHref(target);
    if (`${window.location.pathname}${window.location.search}` !== href)
      window.history.pushState(null, '', href);
    setNotice(undefined);
    setConnect(target);
  };

  if (!connect) {
    return (
      <ConnectScreen
        recent={recent}
        onConnect={(target) => {
          // The charset chosen for a host is remembered with its other settings (Settings shows it).
          if (target.kind === 'host' && target.charset)
            saveLineSettings(browserStorage(), target, { charset: target.charset });
          open(target);
        }}
        onForget={(entry) => setRecent(forgetRecent(browserStorage(), entry))}
        {...(notice ? { notice } : {})}
      />
    );
  }
  return (
    <Workspace
      key={`${connect.kind}:${connect.kind === 'target' ? connect.id : `${connect.host}:${connect.port ?? 23}`}`}
      session={session}
      variant="standalone"
      renderer={route.renderer}
      preferences={preferences}
      onPreferences={onPreferences}
      showToolbar
      onBack={() => open(undefined)}
      onReconnect={() => session.reconnect()}
      toolbarExtra={<FullScreenButton />}
      onTitle={(title) => {
        document.title = title ? `${title} · ${BASE_TITLE}` : BASE_TITLE;
      }}
    />
  );
}
