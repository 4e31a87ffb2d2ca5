/**
 * Chromium driven over the DevTools protocol with only the domains the benchmark needs (Target, Page
 * scripts, Runtime, Input, Emulation) — never Network. A DevTools client with the Network domain on
 * (Playwright always enables it) makes Chromium report every WebSocket frame to it, which halves the
 * page's render rate: measured through it, the page looks twice as slow as a user's browser is.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';

interface Pending {
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
}

/** Functions sent to the page travel as source; the TypeScript loader wraps names in `__name(…)`. */
const NAME_SHIM = 'globalThis.__name ??= (target) => target;';

class Connection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string };
      };
      if (message.id === undefined) return; // an event: none is subscribed to
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result ?? {});
    });
    ws.on('close', () => {
      for (const waiter of this.pending.values()) waiter.reject(new Error('DevTools connection closed'));
      this.pending.clear();
    });
  }

  send<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      this.ws.send(JSON.stringify({ id, method, params, ...(sessionId && { sessionId }) }));
    });
  }

  close(): void {
    this.ws.close();
  }
}

export interface Viewport {
  readonly width: number;
  readonly height: number;
}

export class CdpPage {
  constructor(
    private readonly connection: Connection,
    private readonly targetId: string,
    private readonly sessionId: string,
  ) {}

  private send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}) {
    return this.connection.send<T>(method, params, this.sessionId);
  }

  /** Runs `source` in every document this page loads, before the page's own scripts. */
  async addInitScript(source: string): Promise<void> {
    await this.send('Page.addScriptToEvaluateOnNewDocument', { source: `${NAME_SHIM}\n${source}` });
  }

  /** Loads `url` and waits for its load event. */
  async goto(url: string, timeoutMs = 30_000): Promise<void> {
    await this.send('Page.navigate', { url });
    await this.waitForFunction(() => document.readyState === 'complete', undefined, timeoutMs, 20);
  }

  /** Runs a script in the page's global scope (a library, say). */
  async addScript(source: string): Promise<void> {
    await this.evaluateExpression(source);
  }

  /** Calls `fn(arg)` in the page and resolves with its (awaited, JSON-serializable) result. */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.evaluateExpression(`${NAME_SHIM}\n(${fn.toString()})(${JSON.stringify(arg ?? null)})`);
  }

  /** Polls `fn(arg)` in the page every `pollMs` until it returns a truthy value. */
  async waitForFunction<A>(fn: (arg: A) => unknown, arg: A, timeoutMs: number, pollMs = 100): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.evaluate(fn, arg).catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`page condition not met within ${timeoutMs} ms: ${fn}`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  waitForSelector(selector: string, timeoutMs: number): Promise<void> {
    return this.waitForFunction((s) => document.querySelector(s) !== null, selector, timeoutMs, 50);
  }

  attribute(selector: string, name: string): Promise<string | null> {
    return this.evaluate(
      ({ selector, name }) => document.querySelector(selector)?.getAttribute(name) ?? null,
      { selector, name },
    );
  }

  /** Types one key as a user would: key down (with its text), key up. */
  async press(key: string): Promise<void> {
    const code = /^[a-z]$/i.test(key) ? `Key${key.toUpperCase()}` : '';
    const keyCode = key.toUpperCase().charCodeAt(0);
    const common = { key, code, windowsVirtualKeyCode: keyCode, nativeVirtualKeyCode: keyCode };
    await this.send('Input.dispatchKeyEvent', { type: 'keyDown', text: key, unmodifiedText: key, ...common });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', ...common });
  }

  /**
   * Runs `work` with the Performance domain on (counted in the main thread's CPU time, not wall time)
   * and resolves with how each of Chromium's counters (TaskDuration, ScriptDuration, LayoutDuration,
   * RecalcStyleDuration, LayoutCount…) grew meanwhile.
   */
  async countWhile(work: () => Promise<unknown>): Promise<Record<string, number>> {
    type Metrics = { metrics: Array<{ name: string; value: number }> };
    await this.send('Performance.enable', { timeDomain: 'threadTicks' });
    try {
      const read = async () =>
        new Map((await this.send<Metrics>('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
      const before = await read();
      await work();
      const after = await read();
      return Object.fromEntries([...after].map(([name, value]) => [name, value - (before.get(name) ?? 0)]));
    } finally {
      await this.send('Performance.disable');
    }
  }

  /** Makes this the tab in front: Chromium throttles the timers of hidden ones, and draws nothing there. */
  async bringToFront(): Promise<void> {
    await this.send('Page.bringToFront');
  }

  /** Starts sampling the page's main thread (the Profiler domain only; nothing else is turned on). */
  async startProfile(intervalUs = 200): Promise<void> {
    await this.send('Profiler.enable');
    await this.send('Profiler.setSamplingInterval', { interval: intervalUs });
    await this.send('Profiler.start');
  }

  /** Stops sampling; resolves with the profile (a `.cpuprofile` document). */
  async stopProfile(): Promise<unknown> {
    const { profile } = await this.send<{ profile: unknown }>('Profiler.stop');
    await this.send('Profiler.disable');
    return profile;
  }

  async close(): Promise<void> {
    await this.connection.send('Target.closeTarget', { targetId: this.targetId }).catch(() => undefined);
  }

  private async evaluateExpression<R>(expression: string): Promise<R> {
    const reply = await this.send<{
      result: { value?: R };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (reply.exceptionDetails) {
      const { text, exception } = reply.exceptionDetails;
      throw new Error(`in the page: ${exception?.description ?? text}`);
    }
    return reply.result.value as R;
  }
}

export class CdpBrowser {
  private constructor(
    private readonly child: ChildProcess,
    private readonly connection: Connection,
    private readonly profileDir: string,
    readonly version: string,
  ) {}

  /** Starts Chromium headless with `args` and connects to it. */
  static async launch(executable: string, args: readonly string[], timeoutMs = 60_000): Promise<CdpBrowser> {
    const profileDir = mkdtempSync(join(tmpdir(), 'telgate-bench-chromium-'));
    const child = spawn(
      executable,
      [
        ...args,
        '--headless=new',
        '--remote-debugging-port=0',
        `--user-data-dir=${profileDir}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${seen}`)), timeoutMs);
        child.stderr?.setEncoding('utf8').on('data', (text: string) => {
          seen = (seen + text).slice(-4000);
          const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
        child.once('exit', (code) => reject(new Error(`Chromium exited (${code}): ${seen}`)));
      });
      const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const connection = new Connection(ws);
      const { product } = await connection.send<{ product: string }>('Browser.getVersion');
      return new CdpBrowser(child, connection, profileDir, product);
    } catch (error) {
      child.kill('SIGKILL');
      rmSync(profileDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** A new tab; in its own browser context (no cache, no storage shared) when `isolated`. */
  async newPage(viewport: Viewport, isolated = false): Promise<CdpPage & { dispose(): Promise<void> }> {
    const { browserContextId } = isolated
      ? await this.connection.send<{ browserContextId: string }>('Target.createBrowserContext', {
          disposeOnDetach: true,
        })
      : { browserContextId: undefined };
    const { targetId } = await this.connection.send<{ targetId: string }>('Target.createTarget', {
      url: 'about:blank',
      ...(browserContextId && { browserContextId }),
    });
    const { sessionId } = await this.connection.send<{ sessionId: string }>('Target.attachToTarget', {
      targetId,
      flatten: true,
    });
    const page = new CdpPage(this.connection, targetId, sessionId);
    const send = (method: string, params: Record<string, unknown>) =>
      this.connection.send(method, params, sessionId);
    // Page (not Network): init scripts run only with it enabled.
    await send('Page.enable', {});
    await send('Page.setBypassCSP', { enabled: true });
    await send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1, mobile: false });
    return Object.assign(page, {
      dispose: async () => {
        await page.close();
        if (browserContextId) {
          await this.connection
            .send('Target.disposeBrowserContext', { browserContextId })
            .catch(() => undefined);
        }
      },
    });
  }

  async close(): Promise<void> {
    await this.connection.send('Browser.close').catch(() => undefined);
    this.connection.close();
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.profileDir, { recursive: true, force: true });
  }
}
