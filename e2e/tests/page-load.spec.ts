/**
 * What the page does between its scripts loading and the host's first output: nothing that could wait
 * stands before opening the session.
 */
import { expect, OPEN_URL, test } from '../fixtures.js';
import { DEMO_PROMPT, expectPromptLast } from '../terminal.js';

type LoadOrder = Array<'socket' | 'output' | 'webgl-probe'>;

test('opens its session and shows the host’s first output before it asks for a WebGL context', async ({
  page,
}) => {
  // Before the page's own scripts: note when a WebSocket is made, when its first OUTPUT frame arrives and
  // when a WebGL 2 context is asked for (the page's probe of the GPU, which takes tens of milliseconds).
  await page.addInitScript(() => {
    const order: LoadOrder = [];
    (window as unknown as { __loadOrder: LoadOrder }).__loadOrder = order;
    const NativeSocket = window.WebSocket;
    window.WebSocket = class extends NativeSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        order.push('socket');
        super(url, protocols);
        const onMessage = (event: MessageEvent) => {
          if (event.data instanceof ArrayBuffer && new Uint8Array(event.data)[0] === 0x81) {
            order.push('output');
            this.removeEventListener('message', onMessage);
          }
        };
        this.addEventListener('message', onMessage);
      }
    };
    const getContext = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (
      this: HTMLCanvasElement,
      kind: string,
      ...rest: unknown[]
    ) {
      if (kind === 'webgl2') order.push('webgl-probe');
      return (getContext as (...args: unknown[]) => unknown).call(this, kind, ...rest);
    } as typeof getContext;
  });
  await page.goto(`${OPEN_URL()}/?target=demo`);
  await expectPromptLast(page, DEMO_PROMPT);
  // The renderer is chosen after the first output is drawn: wait for the probe rather than for a time.
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __loadOrder: LoadOrder }).__loadOrder))
    .toContain('webgl-probe');
  const order = await page.evaluate(() => (window as unknown as { __loadOrder: LoadOrder }).__loadOrder);
  expect(order).toEqual(['socket', 'output', 'webgl-probe']);
});
