import { useEffect, useRef, useState } from 'react';
import { fetchPageConfig } from '../api/gateway-api';
import { ReconnectPlanner } from '../session/backoff';
import { retryAfter } from '../session/ending';
import { TelgateSession } from '../session/session';
import { type Controls, NO_CONTROLS } from '../ui/controls';
import { FullScreenButton } from '../ui/FullScreenButton';
import { secondsLeft } from '../ui/format';
import { useNow, useRememberedLineSettings } from '../ui/hooks';
import { Workspace } from '../ui/Workspace';
import type { AppearanceProps } from './preferences';
import type { Route } from './route';
import { browserSessionStorage, browserStorage } from './storage';

type KioskRoute = Extract<Route, { mode: 'kiosk' }>;

/**
 * /kiosk: one fixed host, full screen, nothing to navigate to. A session that ends is retried with
 * exponential backoff, and the countdown is on screen; one taken over by another tab or window is not.
 * A lost connection, or a reload, gets the same session back (telgate.v2) instead of a new login. The gateway's `kiosk:` block chooses what its
 * toolbar and settings offer; until the page knows, it offers nothing.
 */
export function KioskApp({ route, preferences, onPreferences }: AppearanceProps & { route: KioskRoute }) {
  const [session] = useState(
    () => new TelgateSession({ pageUrl: window.location.href, resumeStorage: browserSessionStorage() }),
  );
  useRememberedLineSettings(session, browserStorage());
  const [retryAt, setRetryAt] = useState<number | undefined>();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const now = useNow(retryAt !== undefined, 250);
  const [controls, setControls] = useState<Controls>(NO_CONTROLS);

  useEffect(() => {
    let active = true;
    void fetchPageConfig().then((config) => {
      if (active) setControls(config.kioskControls);
    });
    return () => {
      active = false;
    };
  }, []);

  const connectNow = () => {
    clearTimeout(timer.current);
    setRetryAt(undefined);
    session.connect({ kind: 'target', id: route.target });
  };
  const connectRef = useRef(connectNow);
  connectRef.current = connectNow;

  useEffect(() => {
    const planner = new ReconnectPlanner();
    const offs = [
      session.on('connected', () => planner.connected(Date.now())),
      session.on('closed', (ending) => {
        // Another tab or window has the session now: taking it back would only take it from there.
        if (!retryAfter(ending)) {
          clearTimeout(timer.current);
          setRetryAt(undefined);
          return;
        }
        const delay = planner.ended(Date.now());
        setRetryAt(Date.now() + delay);
        clearTimeout(timer.current);
        timer.current = setTimeout(() => connectRef.current(), delay);
      }),
    ];
    connectRef.current();
    document.title = `${route.target} · telgate`;
    return () => {
      for (const off of offs) off();
      clearTimeout(timer.current);
      session.dispose();
    };
  }, [session, route.target]);

  const countdown =
    retryAt === undefined ? null : (
      <span className="countdown" data-testid="reconnect-countdown" data-seconds={secondsLeft(retryAt, now)}>
        Reconnecting in {secondsLeft(retryAt, now)} s
      </span>
    );

  return (
    <Workspace
      session={session}
      variant="kiosk"
      renderer={route.renderer}
      preferences={preferences}
      onPreferences={onPreferences}
      showToolbar
      onReconnect={connectNow}
      reconnectLabel="Reconnect now"
      closedExtra={countdown}
      controls={controls}
      toolbarExtra={controls.toolbar.has('fullscreen') ? <FullScreenButton /> : null}
    />
  );
}
