import { lazy, Suspense, useEffect, useState } from 'react';
import type { Theme } from '../terminal/themes';
import { EmbedApp } from './EmbedApp';
import { KioskApp } from './KioskApp';
import { defaultPreferences, loadPreferences, type Preferences, savePreferences } from './preferences';
import type { Route } from './route';
import { StandaloneApp } from './StandaloneApp';
import { browserStorage } from './storage';
import { WatchApp } from './WatchApp';

/** The recordings page and its player load only when that page is opened. */
const RecordingsApp = lazy(() => import('../recordings/RecordingsApp'));

/** Picks the page for the route, and holds the user's preferences (stored in this browser). */
export function App({ route }: { route: Route }) {
  const [preferences, setPreferences] = useState<Preferences>(() => {
    const stored = loadPreferences(
      browserStorage(),
      defaultPreferences(window.matchMedia('(prefers-color-scheme: dark)').matches),
    );
    const urlTheme: Theme | undefined = route.mode === 'invalid' ? undefined : route.theme;
    return urlTheme ? { ...stored, theme: urlTheme } : stored;
  });

  useEffect(() => {
    document.documentElement.dataset.theme = preferences.theme;
  }, [preferences.theme]);

  const onPreferences = (next: Preferences) => {
    setPreferences(next);
    savePreferences(browserStorage(), next);
  };

  switch (route.mode) {
    case 'standalone':
      return <StandaloneApp route={route} preferences={preferences} onPreferences={onPreferences} />;
    case 'embed':
      // The parent's theme choice applies to this frame only: it is not stored.
      return (
        <EmbedApp
          route={route}
          preferences={preferences}
          onPreferences={onPreferences}
          onTheme={(theme) => setPreferences((p) => ({ ...p, theme }))}
        />
      );
    case 'kiosk':
      return <KioskApp route={route} preferences={preferences} onPreferences={onPreferences} />;
    case 'watch':
      return <WatchApp route={route} preferences={preferences} onPreferences={onPreferences} />;
    case 'recordings':
      return (
        <Suspense fallback={<p className="recordings-loading">Loading…</p>}>
          <RecordingsApp initialToken={route.token} />
        </Suspense>
      );
    case 'invalid':
      return (
        <main className="connect" data-testid="invalid-route">
          <h1>telgate</h1>
          <p className="banner banner-error" role="alert">
            {route.message}
          </p>
          <p>
            <a href="/">Choose a host</a>
          </p>
        </main>
      );
  }
}
