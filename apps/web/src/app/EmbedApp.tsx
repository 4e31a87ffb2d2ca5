import { useEffect, useRef, useState } from 'react';
import { fetchPageConfig } from '../api/gateway-api';
import { EmbedBridge, type ParentCommand } from '../embed/bridge';
import { TokenRenewal } from '../embed/token-renewal';
import { TelgateSession } from '../session/session';
import type { Theme } from '../terminal/themes';
import { useRememberedLineSettings } from '../ui/hooks';
import { Workspace, type WorkspaceHandle } from '../ui/Workspace';
import type { AppearanceProps } from './preferences';
import type { Route } from './route';
import { browserSessionStorage, browserStorage } from './storage';

type EmbedRoute = Extract<Route, { mode: 'embed' }>;

/**
 * /embed: only the terminal, filling its iframe, driven by the parent page through postMessage (see
 * embed/bridge.ts). The gateway's embedding policy is loaded first, so the parent hears `telgate:ready`
 * before anything else and no event can reach a parent that is not allowed. A refused token is renewed
 * through the parent (see embed/token-renewal.ts).
 */
export function EmbedApp({
  route,
  preferences,
  onPreferences,
  onTheme,
}: AppearanceProps & { route: EmbedRoute; onTheme: (theme: Theme) => void }) {
  const [session] = useState(
    () => new TelgateSession({ pageUrl: window.location.href, resumeStorage: browserSessionStorage() }),
  );
  useRememberedLineSettings(session, browserStorage());
  const workspace = useRef<WorkspaceHandle>(null);
  const bridge = useRef<EmbedBridge | undefined>(undefined);
  const renewal = useRef<TokenRenewal | undefined>(undefined);
  const latest = useRef({ onTheme });
  latest.current = { onTheme };

  useEffect(() => {
    let active = true;
    const target = { kind: 'target', id: route.target } as const;
    const tokens = new TokenRenewal({
      initialToken: route.token,
      connect: (token) => session.connect(target, token),
      askParent: (code, reason) => {
        if (!bridge.current) return false;
        bridge.current.post({ type: 'telgate:token-expired', code, reason });
        return true;
      },
    });
    renewal.current = tokens;

    const onCommand = (command: ParentCommand) => {
      switch (command.type) {
        case 'telgate:connect':
          tokens.connect(command.token);
          return;
        case 'telgate:token':
          tokens.tokenArrived(command.token);
          return;
        case 'telgate:disconnect':
          session.disconnect();
          return;
        case 'telgate:logout':
          session.logout();
          return;
        case 'telgate:send':
          workspace.current?.send(command.text);
          return;
        case 'telgate:focus':
          workspace.current?.focus();
          return;
        case 'telgate:set-theme':
          latest.current.onTheme(command.theme);
          return;
      }
    };

    const offs = [
      session.on('connected', ({ sessionId }) => {
        tokens.connected();
        bridge.current?.post({
          type: 'telgate:connected',
          target: route.target,
          sessionId: sessionId ?? null,
        });
      }),
      session.on('closed', (ending) => {
        bridge.current?.post({
          type: 'telgate:closed',
          code: ending.code ?? null,
          reason: ending.message,
          closeCode: ending.closeCode ?? null,
        });
        tokens.closed(ending.code, ending.message);
      }),
      session.on('logout', (result) => bridge.current?.post({ type: 'telgate:logout', result })),
      session.on('detached', () => bridge.current?.post({ type: 'telgate:detached' })),
      session.on('resumed', ({ awayMs }) => bridge.current?.post({ type: 'telgate:resumed', awayMs })),
    ];
    const onMessage = (event: MessageEvent) => bridge.current?.receive(event);
    window.addEventListener('message', onMessage);

    void fetchPageConfig().then((config) => {
      if (!active) return;
      // A page opened on its own (not framed) has no parent to talk to.
      if (window.parent !== window) {
        bridge.current = new EmbedBridge({
          parent: window.parent,
          allowedOrigins: config.embedAllowedOrigins,
          ownOrigin: window.location.origin,
          hints: { ancestorOrigins: window.location.ancestorOrigins, referrer: document.referrer },
          onCommand,
        });
        bridge.current.post({ type: 'telgate:ready' });
      }
      if (route.autoConnect) tokens.connect();
    });

    return () => {
      active = false;
      for (const off of offs) off();
      window.removeEventListener('message', onMessage);
      bridge.current = undefined;
      renewal.current = undefined;
      session.dispose();
    };
  }, [session, route.target, route.token, route.autoConnect]);

  return (
    <Workspace
      ref={workspace}
      session={session}
      variant="embed"
      renderer={route.renderer}
      preferences={preferences}
      onPreferences={onPreferences}
      showToolbar={route.bar}
      onReconnect={() => renewal.current?.connect()}
      onTitle={(title) => bridge.current?.post({ type: 'telgate:title', title })}
    />
  );
}
