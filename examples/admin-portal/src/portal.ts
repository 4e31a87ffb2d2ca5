/**
 * The portal page's side of the postMessage API: logs every event from the terminal and sends the
 * commands the buttons stand for. Only messages from the iframe, from the gateway's origin, count.
 * A refused token (`telgate:token-expired`) is answered with a fresh one from the portal's server.
 */
const frame = document.querySelector<HTMLIFrameElement>('#console');
const log = document.querySelector<HTMLOListElement>('#events');

function record(type: string, detail: string): void {
  if (!log) return;
  const item = document.createElement('li');
  item.dataset.type = type;
  item.textContent = detail ? `${type} ${detail}` : type;
  log.append(item);
  item.scrollIntoView({ block: 'nearest' });
}

if (frame && log) {
  const origin = frame.dataset.gatewayOrigin ?? '';
  const device = frame.dataset.device ?? '';
  // The theme the server gave the terminal, so the first click of the toggle changes it.
  let dark = frame.dataset.theme !== 'light';
  const watch = document.querySelector<HTMLAnchorElement>('#watch');
  const command = (message: Record<string, unknown>) => frame.contentWindow?.postMessage(message, origin);
  const freshToken = async (): Promise<string | undefined> => {
    try {
      const response = await fetch(`/token?device=${encodeURIComponent(device)}`, { cache: 'no-store' });
      if (!response.ok) return undefined;
      const body = (await response.json()) as { token?: unknown };
      return typeof body.token === 'string' ? body.token : undefined;
    } catch {
      return undefined;
    }
  };

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (event.origin !== origin || event.source !== frame.contentWindow) return;
    const data = event.data;
    if (typeof data !== 'object' || data === null) return;
    const { type, ...fields } = data as { type?: unknown };
    if (typeof type !== 'string' || !type.startsWith('telgate:')) return;
    record(type, Object.keys(fields).length > 0 ? JSON.stringify(fields) : '');
    // A live session can be watched (PORTAL_WATCH=1): the link names it, and goes with it.
    if (watch && type === 'telgate:connected') {
      const { sessionId } = fields as { sessionId?: unknown };
      if (typeof sessionId === 'string' && sessionId !== '') {
        const link = new URLSearchParams({ device, session: sessionId });
        const renderer = new URLSearchParams(window.location.search).get('renderer');
        if (renderer) link.set('renderer', renderer);
        watch.href = `/watch?${link}`;
        watch.hidden = false;
      }
    } else if (watch && type === 'telgate:closed') {
      watch.hidden = true;
    }
    if (type === 'telgate:token-expired') {
      void freshToken().then((token) => {
        if (token) command({ type: 'telgate:token', token });
      });
    }
  });

  const input = document.querySelector<HTMLInputElement>('#command');
  const on = (id: string, action: () => void) =>
    document.querySelector(`#${id}`)?.addEventListener('click', action);
  on('logout', () => command({ type: 'telgate:logout' }));
  on('disconnect', () => command({ type: 'telgate:disconnect' }));
  on('reconnect', () => {
    void freshToken().then((token) =>
      command(token ? { type: 'telgate:connect', token } : { type: 'telgate:connect' }),
    );
  });
  on('send', () => {
    command({ type: 'telgate:send', text: `${input?.value ?? ''}\r` });
    if (input) input.value = '';
    command({ type: 'telgate:focus' });
  });
  on('theme', () => {
    dark = !dark;
    command({ type: 'telgate:set-theme', theme: dark ? 'dark' : 'light' });
  });
}
