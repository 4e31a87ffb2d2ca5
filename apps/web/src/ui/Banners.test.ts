import type { TargetInfo } from '@telgate/protocol';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SessionSnapshot } from '../session/session';
import { ObserversIndicator, WatchingBar } from './Banners';

const TARGET: TargetInfo = { id: 'lab', label: 'Lab host', host: '127.0.0.1', port: 23, charset: 'UTF-8' };

function snapshot(change: Partial<SessionSnapshot>): SessionSnapshot {
  return {
    status: { phase: 'connected', since: 1 },
    options: [],
    logout: 'idle',
    autoLogoutWarning: false,
    notices: [],
    stalled: false,
    queuedInput: 0,
    inputRefused: false,
    target: TARGET,
    ...change,
  };
}

const text = (html: string) => html.replace(/<[^>]+>/g, '');

describe('ObserversIndicator', () => {
  it('says how many watch, while they do', () => {
    const html = renderToStaticMarkup(
      createElement(ObserversIndicator, { snapshot: snapshot({ observers: 2 }) }),
    );
    expect(text(html)).toBe('Watched by 2');
    expect(html).toContain('data-count="2"');
    expect(html).toContain('role="status"');
  });

  it('says nothing with no observer, on a session not connected, or on the watching page itself', () => {
    for (const change of [
      { observers: 0 },
      {},
      { observers: 1, status: { phase: 'reconnecting', since: 1, attempt: 1 } } as const,
      { observers: 1, watching: 's1' },
    ]) {
      expect(renderToStaticMarkup(createElement(ObserversIndicator, { snapshot: snapshot(change) }))).toBe(
        '',
      );
    }
  });
});

describe('WatchingBar', () => {
  it('names what is watched and that it is read-only', () => {
    const html = renderToStaticMarkup(createElement(WatchingBar, { snapshot: snapshot({ watching: 's1' }) }));
    expect(text(html)).toBe('Watching Lab host — read-only');
  });

  it('names the session before the gateway named its target, and is absent on an ordinary page', () => {
    const connecting = snapshot({
      watching: 's1',
      target: undefined,
      status: { phase: 'connecting', since: 1 },
    });
    expect(text(renderToStaticMarkup(createElement(WatchingBar, { snapshot: connecting })))).toBe(
      'Connecting to watch session s1…',
    );
    expect(renderToStaticMarkup(createElement(WatchingBar, { snapshot: snapshot({}) }))).toBe('');
  });
});
