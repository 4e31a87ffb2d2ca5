/**
 * The browser: the real page in Debian's Chromium (no browser download), driven over the DevTools
 * protocol without its Network domain (see browser/cdp.ts: with it, Chromium reports every WebSocket
 * frame to the DevTools client and the page renders at half its speed).
 * - Render rate: the host's stream through the gateway into the page's xterm.js, acknowledged as the page
 *   does, against xterm.js writing the same terminal bytes locally in the same page (the in-browser limit).
 * - Keystroke echo while the host floods, against the same page's echo with no flood.
 * - Initial JavaScript of the built page, gzipped, against xterm.js's own library.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CHROMIUM_ARGS, DEBIAN_CHROMIUM } from '@telgate/test-peers';
import { CdpBrowser, type CdpPage } from '../browser/cdp.js';
import { PageServer } from '../browser/page-server.js';
import { type BenchProbe, type ProbeWindow, probeSource } from '../browser/probe.js';
import type { BenchContext } from '../context.js';
import { GatewayProcess, REPO_ROOT } from '../processes/gateway.js';
import { Worker } from '../processes/worker.js';
import {
  emptyResult,
  formatMiBs,
  formatMs,
  formatRatio,
  type ResultRow,
  type ScenarioResult,
} from '../report.js';
import { MiB } from '../settings.js';
import { median, summarizeLatency } from '../stats.js';
import { expectTerminal, syntheticStream } from '../stream.js';
import type { BrowserHostConfig, BrowserHostMessage, BrowserHostRequest } from '../workers/browser-host.js';

const BENCHMARK = 'browser (Chromium)';
const SEED = 5;
const WEB_DIST = join(REPO_ROOT, 'apps/web/dist');
const ECHO_TARGET_MS = 200;
const RESUME_TARGET_MS = 300;
/** Through the whole stack, warm, against xterm.js writing the same bytes locally. */
const RENDER_TARGET_RATIO = 0.8;
const VIEWPORT = { width: 1280, height: 800 };
const LOAD_TARGET_MS = 1000;
const JS_TARGET_BYTES = 250 * 1000;
/** Local writes go to xterm.js in slices like the OUTPUT frames a socket delivers. */
const LOCAL_SLICE = 64 * 1024;

const webRequire = createRequire(join(REPO_ROOT, 'apps/web/package.json'));

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env.BENCH_CHROMIUM ?? DEBIAN_CHROMIUM;
  return existsSync(path) ? path : undefined;
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

/** The JavaScript index.html loads before anything runs: its module script and the modules it preloads. */
export function initialScripts(dist: string): string[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const sources = new Set<string>();
  for (const match of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) sources.add(match[1]!);
  for (const match of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g))
    sources.add(match[1]!);
  return [...sources].map((s) => join(dist, s.replace(/^\//, '')));
}

const gzipSize = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

function jsSizeRow(): { row: ResultRow; note: string } {
  const files = initialScripts(WEB_DIST);
  const total = files.reduce((n, f) => n + gzipSize(f), 0);
  const xterm = gzipSize(webRequire.resolve('@xterm/xterm/lib/xterm.mjs'));
  return {
    row: {
      benchmark: BENCHMARK,
      measured: 'initial JS of apps/web/dist, gzip',
      value: kb(total),
      baseline: `xterm.js library alone ${kb(xterm)}`,
      ratio: formatRatio(total / xterm),
      target: '≤ 250 KB',
      met: total <= JS_TARGET_BYTES,
    },
    note: `Initial JS: ${files.length} files (${files.map((f) => f.slice(WEB_DIST.length + 1)).join(', ')}), gzip -9, KB = 1000 bytes; the inspector, search and WebGL renderer load later.`,
  };
}

const probeOf = (page: CdpPage): Promise<BenchProbe> =>
  page.evaluate(() => {
    const p = (window as unknown as ProbeWindow).__bench;
    return { ...p, echoes: [], keys: [], until: undefined, untilEcho: undefined, drop: undefined };
  });

/**
 * Opens the page on `target` and waits until its session is connected and the page has settled on a
 * renderer (it loads WebGL after the first paint, when the browser has it); the terminal gets the focus.
 * Resolves with that renderer.
 */
export async function openSession(page: CdpPage, gatewayUrl: string, target: string): Promise<string> {
  await page.goto(`${gatewayUrl}/?target=${target}`);
  await page.waitForSelector('[data-testid="connection-state"][data-state="connected"]', 30_000);
  // The WebGL addon loads after the first paint, where the page chooses it.
  if (!target.includes('renderer=dom')) await new Promise((resolve) => setTimeout(resolve, 1500));
  await page.evaluate(() => {
    (document.querySelector('[data-testid="terminal"] textarea') as HTMLTextAreaElement | null)?.focus();
  });
  return (await page.attribute('[data-testid="terminal"]', 'data-renderer')) ?? 'dom';
}

/** Ends the page's session as the user's Disconnect does (the gateway closes the host connection). */
async function endSession(page: CdpPage): Promise<void> {
  await page.evaluate(() => {
    (document.querySelector('[data-testid="disconnect"]') as HTMLButtonElement | null)?.click();
  });
  await page.waitForSelector('[data-testid="connection-state"][data-state="closed"]', 10_000);
}

/**
 * A diagnostic for where the page waits: a bare client of the gateway's protocol (no session logic, no
 * React) with its WebSocket on the page's main thread or in a Web Worker, writing OUTPUT into the
 * local xterm.js and acknowledging from its write callback, as the page does. Resolves with MiB/s.
 */
async function renderBareClient(
  page: CdpPage,
  url: string,
  size: { cols: number; rows: number },
  bytes: number,
  inWorker: boolean,
): Promise<number> {
  return page.evaluate(
    async ({ url, cols, rows, bytes, inWorker }) => {
      type Term = {
        write(data: Uint8Array, callback?: () => void): void;
        reset(): void;
        element: HTMLElement;
      };
      const term = (window as unknown as { __benchTerm: Term }).__benchTerm;
      const host = term.element.parentElement!;
      host.style.display = 'block';
      term.reset();
      const resize = new Uint8Array([0x02, cols >> 8, cols & 255, rows >> 8, rows & 255]);
      const trigger = new Uint8Array([0x01, 0x67]);
      const ack = (n: number) => {
        const frame = new Uint8Array(5);
        frame[0] = 0x04;
        new DataView(frame.buffer).setUint32(1, n);
        return frame;
      };
      return new Promise<number>((resolve, reject) => {
        let acked = 0;
        let first: number | undefined;
        let send: (frame: Uint8Array) => void = () => {};
        let close = () => {};
        let started = false;
        const output = (buffer: ArrayBuffer) => {
          const frame = new Uint8Array(buffer);
          // STATE connected (JSON): the host is there, and the stream is asked for.
          if (
            frame[0] === 0x82 &&
            !started &&
            new TextDecoder().decode(frame.subarray(1)).includes('"connected"')
          ) {
            started = true;
            send(trigger);
          }
          if (frame[0] !== 0x81) return;
          first ??= performance.now();
          const n = frame.length - 1;
          term.write(frame.subarray(1), () => {
            send(ack(n));
            acked += n;
            if (acked >= bytes) {
              const seconds = (performance.now() - first!) / 1000;
              close();
              host.style.display = 'none';
              resolve(bytes / 1048576 / seconds);
            }
          });
        };
        const opened = () => send(resize);
        if (!inWorker) {
          const Native = Object.getPrototypeOf(window.WebSocket) as typeof WebSocket;
          const ws = new Native(url, ['telgate.v1']);
          ws.binaryType = 'arraybuffer';
          send = (frame) => ws.send(frame);
          close = () => ws.close(1000);
          ws.onopen = opened;
          ws.onmessage = (event) => {
            if (event.data instanceof ArrayBuffer) output(event.data);
          };
          ws.onerror = () => reject(new Error('bare client: socket error'));
          return;
        }
        const source = `let ws;
onmessage = (e) => {
  const m = e.data;
  if (m.url) {
    ws = new WebSocket(m.url, ['telgate.v1']);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => postMessage('open');
    ws.onmessage = (ev) => { if (ev.data instanceof ArrayBuffer) postMessage(ev.data, [ev.data]); };
    ws.onerror = () => postMessage('error');
  } else if (m.frame) ws.send(m.frame);
  else if (m.close) { ws.close(1000); close(); }
};`;
        const worker = new window.Worker(
          URL.createObjectURL(new Blob([source], { type: 'text/javascript' })),
        );
        send = (frame) => worker.postMessage({ frame }, [frame.buffer]);
        close = () => worker.postMessage({ close: true });
        worker.onmessage = (event: MessageEvent) => {
          if (event.data === 'open') opened();
          else if (event.data === 'error') reject(new Error('bare client: socket error'));
          else output(event.data as ArrayBuffer);
        };
        worker.postMessage({ url });
      });
    },
    { url, ...size, bytes, inWorker },
  );
}

/** Chromium's main-thread counters per MiB streamed (CPU time), and the frames drawn when known. */
function describeCounters(c: Record<string, number>, bytes: number, frames?: number): string {
  const perMiB = (name: string) => (((c[name] ?? 0) * 1000) / (bytes / MiB)).toFixed(1);
  const drawn = frames === undefined ? '' : `, ${(frames / (bytes / MiB)).toFixed(1)} frames`;
  return `task ${perMiB('TaskDuration')} ms (script ${perMiB('ScriptDuration')}, style ${perMiB('RecalcStyleDuration')}, layout ${perMiB('LayoutDuration')}), ${((c.LayoutCount ?? 0) / (bytes / MiB)).toFixed(1)} layouts${drawn} per MiB`;
}

/** Writes a page's CPU profile as `<profileDir>/browser/<name>.cpuprofile` (Chrome DevTools opens it). */
async function saveProfile(context: BenchContext, name: string, profile: unknown): Promise<void> {
  const dir = join(context.profileDir!, 'browser');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
}

/**
 * Presses `g`; the host streams; resolves with the seconds from the first OUTPUT byte to the last ACK,
 * both taken by the page's own clock. The benchmark waits on one promise the page resolves: nothing
 * polls the page while it renders.
 */
export async function renderThroughStack(
  page: CdpPage,
  bytes: number,
  timeoutMs: number,
): Promise<{ seconds: number; received: number }> {
  const start = await page.evaluate(() => {
    const p = (window as unknown as ProbeWindow).__bench;
    p.firstOutputAt = undefined;
    return { received: p.received, acked: p.acked };
  });
  await page.press('g');
  await withTimeout(
    page.evaluate((target) => (window as unknown as ProbeWindow).__bench.until(target), start.acked + bytes),
    timeoutMs,
    `the page did not acknowledge ${bytes} bytes`,
  );
  const end = await probeOf(page);
  return { seconds: (end.lastAckAt! - end.firstOutputAt!) / 1000, received: end.received - start.received };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Drops the page's socket `count` times (as a lost network path would); each time the page gets its
 * session back on a new socket. Resolves with the milliseconds from each new socket's open to its
 * SCREEN frame written by xterm.js, by the page's clock.
 */
async function timeResumes(
  page: CdpPage,
  count: number,
  timeoutMs: number,
): Promise<{ drawn: number[]; answered: number[] }> {
  const times = { drawn: [] as number[], answered: [] as number[] };
  for (let k = 0; k < count; k++) {
    const index = await page.evaluate(() => {
      const p = (window as unknown as ProbeWindow).__bench;
      p.drop();
      return p.sockets.length;
    });
    await withTimeout(
      page.evaluate((n) => (window as unknown as ProbeWindow).__bench.untilScreen(n), index),
      timeoutMs,
      `resume ${k + 1}: no screen drawn on a new socket`,
    );
    await page.waitForSelector('[data-testid="connection-state"][data-state="connected"]', timeoutMs);
    const socket = await page.evaluate((n) => (window as unknown as ProbeWindow).__bench.sockets[n]!, index);
    times.drawn.push(socket.screenDrawnAt! - socket.openAt!);
    times.answered.push(socket.firstMessageAt! - socket.openAt!);
  }
  return times;
}

/** A second xterm.js, the same size and font as the page's, writing `unit` `repeat` times. */
export async function renderLocally(
  page: CdpPage,
  unit: Buffer,
  repeat: number,
  size: { cols: number; rows: number; webgl: boolean },
  paced = false,
): Promise<number> {
  return page.evaluate(
    async ({ base64, repeat, cols, rows, webgl, slice, paced }) => {
      type Term = {
        write(data: Uint8Array, callback?: () => void): void;
        open(element: HTMLElement): void;
        loadAddon(addon: object): void;
      };
      const w = window as unknown as {
        Terminal: new (options: object) => Term;
        WebglAddon: { WebglAddon: new () => object };
        Unicode11Addon: { Unicode11Addon: new () => object };
        __benchTerm?: Term;
        __benchUnit?: Uint8Array;
      };
      if (!w.__benchTerm) {
        const screen = document.querySelector('[data-testid="terminal"]') as HTMLElement;
        const box = screen.getBoundingClientRect();
        const rowsElement = screen.querySelector('.xterm-rows') as HTMLElement | null;
        const style = rowsElement ? getComputedStyle(rowsElement) : undefined;
        const host = document.createElement('div');
        host.style.cssText = `position:fixed;left:${box.left}px;top:${box.top}px;width:${box.width}px;height:${box.height}px;z-index:2147483647;background:#000`;
        document.body.append(host);
        // As the page's terminal is set up (apps/web/src/terminal/terminal-view.ts): Unicode 11 widths,
        // a blinking cursor, the same scrollback.
        const term = new w.Terminal({
          cols,
          rows,
          scrollback: 5000,
          cursorBlink: true,
          allowProposedApi: true,
          ...(style && { fontFamily: style.fontFamily, fontSize: Number.parseFloat(style.fontSize) }),
        });
        term.open(host);
        term.loadAddon(new w.Unicode11Addon.Unicode11Addon());
        (term as unknown as { unicode: { activeVersion: string } }).unicode.activeVersion = '11';
        if (webgl) term.loadAddon(new w.WebglAddon.WebglAddon());
        w.__benchTerm = term;
        w.__benchUnit = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      }
      const term = w.__benchTerm;
      const data = w.__benchUnit!;
      const host = (term as unknown as { element: HTMLElement }).element.parentElement!;
      host.style.display = 'block';
      const parts: Uint8Array[] = [];
      for (let o = 0; o < data.length; o += slice)
        parts.push(data.subarray(o, Math.min(data.length, o + slice)));
      const all: Uint8Array[] = [];
      for (let k = 0; k < repeat; k++) all.push(...parts);
      const started = performance.now();
      return new Promise<number>((resolve) => {
        const done = () => {
          host.style.display = 'none';
          resolve((performance.now() - started) / 1000);
        };
        if (!paced) {
          // Everything queued at once: xterm.js's own limit.
          for (let n = 0; n < all.length; n++) term.write(all[n]!, n === all.length - 1 ? done : undefined);
          return;
        }
        // One write per task, as WebSocket messages arrive, with at most 1 MiB written and not yet
        // parsed (the gateway's flow-control window).
        let next = 0;
        let pending = 0;
        const feed = () => {
          if (next >= all.length || pending >= 16) return;
          const last = next === all.length - 1;
          pending++;
          term.write(all[next++]!, () => {
            pending--;
            if (last) done();
            else setTimeout(feed, 0);
          });
          setTimeout(feed, 0);
        };
        feed();
      });
    },
    { base64: unit.toString('base64'), repeat, ...size, slice: LOCAL_SLICE, paced },
  );
}

/**
 * Presses `~` `count` times, `gapMs` apart; the delay of each from its key event to its echo (`~n~`)
 * written by xterm.js, in OUTPUT or in a SCREEN frame that replaced skipped output. Then `settle` runs
 * (the flood is turned off) and one more `~` is typed, whose echo every earlier one precedes: an echo
 * not shown by the time it is was skipped and then overwritten by the flood before a screen was sent
 * (responsive output), and is counted as `overwritten`, not timed.
 */
async function typeAndTime(
  page: CdpPage,
  count: number,
  gapMs: number,
  timeoutMs: number,
  settle: () => Promise<void> = async () => {},
): Promise<{ delays: number[]; overwritten: number }> {
  const first = await page.evaluate(() => (window as unknown as ProbeWindow).__bench.keys.length);
  for (let k = 0; k < count; k++) {
    await page.press('~');
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  await settle();
  await page.press('~');
  await withTimeout(
    page.evaluate((last) => (window as unknown as ProbeWindow).__bench.untilEcho(last), first + count),
    timeoutMs,
    `the echo of ${count + 1} keys was not shown`,
  );
  return page.evaluate(
    ({ first, count }) => {
      const p = (window as unknown as ProbeWindow).__bench;
      const delays: number[] = [];
      let overwritten = 0;
      for (let k = first; k < first + count; k++) {
        const shown = p.echoes[k]?.renderedAt;
        if (shown === undefined) overwritten++;
        else delays.push(shown - p.keys[k]!);
      }
      return { delays, overwritten };
    },
    { first, count },
  );
}

export async function runBrowser(context: BenchContext): Promise<ScenarioResult> {
  const { settings, progress } = context;
  const result = emptyResult();
  const names = {
    render: 'render rate, host → gateway → xterm.js, as the page loads',
    renderDom: 'render rate, host → gateway → xterm.js, ?renderer=dom',
    renderNoScreen: 'render rate, host → gateway → xterm.js, ?renderer=dom, no screen state at the gateway',
    renderCold: 'render rate, first stream into a new page (cold), as the page loads',
    baselinePage: 'render rate, this page vs BENCH_PAGE_BASELINE, same gateway, ?renderer=dom',
    compareGateway: 'render rate, this gateway vs BENCH_GATEWAY_COMPARE, same page, ?renderer=dom',
    echo: 'keystroke echo during a flood, output: lossless',
    echoResponsive: 'keystroke echo during a flood, output: responsive',
    resume: 'time to resume, socket open → screen drawn',
    load: 'page load → demo host prompt written',
    js: 'initial JS of apps/web/dist, gzip',
  };
  const skip = (why: string, which: Array<keyof typeof names>) => {
    for (const key of which) {
      result.rows.push({
        benchmark: BENCHMARK,
        measured: names[key],
        value: `skipped: ${why}`,
        baseline: '—',
        ratio: '—',
      });
    }
    result.notes.push(`Browser: ${which.map((k) => names[k]).join('; ')} not measured: ${why}.`);
  };

  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    skip('apps/web/dist is missing (npm run build)', [
      'render',
      'renderDom',
      'renderNoScreen',
      'renderCold',
      'echo',
      'echoResponsive',
      'resume',
      'load',
      'js',
    ]);
    return result;
  }
  const js = jsSizeRow();
  const chromium = chromiumPath();
  if (chromium === undefined) {
    skip('Chromium not found at /usr/bin/chromium (apt-get install chromium, or set BENCH_CHROMIUM)', [
      'render',
      'renderDom',
      'renderNoScreen',
      'renderCold',
      'echo',
      'echoResponsive',
      'resume',
      'load',
    ]);
    result.rows.push(js.row);
    result.notes.push(js.note);
    return result;
  }

  const { streamBytes, keystrokes, runs, resumes, baselinePage, compareGateway } = settings.browser;
  const stream = syntheticStream(streamBytes, undefined, SEED);
  const expected = expectTerminal(stream);
  const timeoutMs = 60_000 + (streamBytes / MiB) * 4000;
  const stoppers: Array<{ stop(): Promise<void> }> = [];
  let browser: CdpBrowser | undefined;
  let launching: Promise<CdpBrowser> | undefined;
  try {
    const host = (mode: BrowserHostConfig['mode']) => {
      const worker = Worker.start<BrowserHostMessage, BrowserHostRequest>('browser-host', {
        mode,
        totalBytes: streamBytes,
        seed: SEED,
        // Smoke runs flood a little only, so the page's backlog drains in a moment.
        floodBytes: settings.smoke ? 256 * 1024 : 0,
      } satisfies BrowserHostConfig);
      stoppers.push(worker);
      return worker;
    };
    const streamHost = host('stream');
    const floodHost = host('echo-flood');
    // Chromium starts while the hosts and the gateway do.
    launching = CdpBrowser.launch(chromium, CHROMIUM_ARGS).then((b) => {
      browser = b;
      return b;
    });
    const streamPort = (await streamHost.next('ready', 30_000)).port;
    const floodPort = (await floodHost.next('ready', 30_000)).port;
    const gateway = await GatewayProcess.start({
      workDir: context.workDir,
      targets: [
        { id: 'render', port: streamPort },
        // Not resumable (grace 0), so the gateway keeps no screen state for it: the same stream without
        // the headless terminal the gateway otherwise feeds.
        { id: 'render-noscreen', port: streamPort, graceSeconds: 0 },
        { id: 'echo', port: floodPort, output: 'lossless' },
        { id: 'echo-responsive', port: floodPort, output: 'responsive' },
      ],
      demo: true,
      ...(context.profileDir && { cpuProfileDir: join(context.profileDir, 'browser') }),
    });
    stoppers.push(gateway);
    const running = await launching;

    const newPage = async (isolated = false) => {
      const page = await running.newPage(VIEWPORT, isolated);
      await page.addInitScript(probeSource());
      return page;
    };
    const xtermLib = readFileSync(webRequire.resolve('@xterm/xterm/lib/xterm.js'), 'utf8');
    const webglAddon = readFileSync(webRequire.resolve('@xterm/addon-webgl/lib/addon-webgl.js'), 'utf8');
    const unicode11Addon = readFileSync(
      webRequire.resolve('@xterm/addon-unicode11/lib/addon-unicode11.js'),
      'utf8',
    );

    // Render rate, once with the renderer the page picks and once with its DOM renderer: the full stack
    // and a local xterm.js with the same renderer take turns, in the same page.
    const counts: number[] = [];
    let coldRate: { renderer: string; rate: number } | undefined;
    const warmLocal: number[] = [];
    const resumeTimes: number[] = [];
    const mainThread: string[] = [];
    let bareNote: string | undefined;
    const resumeAnswers: number[] = [];
    const renderers: string[] = [];
    const pacedNotes: string[] = [];
    let size = { cols: 0, rows: 0 };
    for (const [key, query] of [
      ['render', ''],
      ['renderDom', '&renderer=dom'],
      ['renderNoScreen', '-noscreen&renderer=dom'],
    ] as const) {
      const page = await newPage();
      const renderer = await openSession(page, gateway.httpUrl, `render${query}`);
      size = await streamHost.next('size', 30_000);
      renderers.push(renderer);
      const webgl = renderer === 'webgl';
      await page.addScript(xtermLib);
      await page.addScript(unicode11Addon);
      if (webgl) await page.addScript(webglAddon);
      const full: number[] = [];
      const local: number[] = [];
      const paced: number[] = [];
      // The page's first stream, before its code is compiled and warm, is what a user sees first.
      if (key === 'render') {
        progress(
          `browser: ${renderer} renderer, cold run, ${(streamBytes / MiB).toFixed(1)} MiB through the gateway`,
        );
        const cold = await renderThroughStack(page, expected.bytes, timeoutMs);
        counts.push(cold.received);
        coldRate = { renderer, rate: expected.bytes / MiB / cold.seconds };
      }
      for (let run = 1; run <= runs; run++) {
        progress(
          `browser: ${renderer} renderer, run ${run}/${runs}, ${(streamBytes / MiB).toFixed(1)} MiB through the gateway`,
        );
        // BENCH_PROFILE_DIR: the last run of each kind is sampled (the page's main thread).
        const profiled = context.profileDir !== undefined && run === runs;
        if (profiled) await page.startProfile();
        const got = await renderThroughStack(page, expected.bytes, timeoutMs);
        if (profiled) await saveProfile(context, `page-${key}-stack`, await page.stopProfile());
        counts.push(got.received);
        full.push(expected.bytes / MiB / got.seconds);
        progress(`browser: ${renderer} renderer, run ${run}/${runs}, xterm.js locally`);
        if (profiled) await page.startProfile();
        const seconds = await renderLocally(page, stream.unitData, stream.repeat, {
          cols: size.cols,
          rows: size.rows,
          webgl,
        });
        if (profiled) await saveProfile(context, `page-${key}-local`, await page.stopProfile());
        local.push(expected.bytes / MiB / seconds);
        progress(`browser: ${renderer} renderer, run ${run}/${runs}, xterm.js locally, one write per task`);
        const pacedSeconds = await renderLocally(
          page,
          stream.unitData,
          stream.repeat,
          { cols: size.cols, rows: size.rows, webgl },
          true,
        );
        paced.push(expected.bytes / MiB / pacedSeconds);
      }
      // Where the main thread's time goes, through the stack and locally: one more untimed stream of
      // each with Chromium's counters on (thread CPU time), and the frames xterm.js drew.
      if (key === 'renderDom') {
        const frames = () => page.evaluate(() => (window as unknown as ProbeWindow).__bench.frames);
        let before = await frames();
        let stackSeconds = 0;
        const stack = await page.countWhile(async () => {
          stackSeconds = (await renderThroughStack(page, expected.bytes, timeoutMs)).seconds;
        });
        const stackFrames = (await frames()) - before;
        before = await frames();
        let localSeconds = 0;
        const alone = await page.countWhile(async () => {
          localSeconds = await renderLocally(page, stream.unitData, stream.repeat, {
            cols: size.cols,
            rows: size.rows,
            webgl,
          });
        });
        const localFrames = (await frames()) - before;
        const busy = (c: Record<string, number>, seconds: number) =>
          `busy ${Math.round((100 * (c.TaskDuration ?? 0)) / seconds)} % of ${seconds.toFixed(2)} s`;
        // The same stream to a bare client, its socket on the main thread and in a Web Worker, taking turns.
        const bare: Record<'main' | 'worker', number[]> = { main: [], worker: [] };
        const socketUrl = `${gateway.httpUrl.replace(/^http/, 'ws')}/ws?target=render-noscreen`;
        for (let k = 0; k < 2; k++) {
          for (const where of ['main', 'worker'] as const) {
            progress(
              `browser: a bare client, its socket ${where === 'main' ? 'on the main thread' : 'in a worker'}`,
            );
            bare[where].push(
              await renderBareClient(page, socketUrl, size, expected.bytes, where === 'worker'),
            );
          }
        }
        bareNote = `a bare client of the protocol (no session logic, no React) writing into the local xterm.js, the gateway's target without screen state, 2 runs each taking turns: its WebSocket on the main thread ${formatMiBs(median(bare.main))}, in a Web Worker handing over each message ${formatMiBs(median(bare.worker))} (${formatRatio(median(bare.worker) / median(bare.main))})`;
        mainThread.push(
          `through the stack ${describeCounters(stack, expected.bytes, stackFrames)}, ${busy(stack, stackSeconds)}; xterm.js locally ${describeCounters(alone, expected.bytes, localFrames)}, ${busy(alone, localSeconds)}`,
        );
      }
      // Time to resume, on a screen full of the stream with its scrollback: the page's socket dropped,
      // timed from the new socket's open to the SCREEN frame written.
      if (key === 'render') {
        progress(`browser: ${resumes} sockets dropped and the session resumed`);
        const times = await timeResumes(page, resumes, timeoutMs);
        resumeTimes.push(...times.drawn);
        resumeAnswers.push(...times.answered);
      }
      await page.close();
      pacedNotes.push(
        `${renderer} ${formatMiBs(median(paced))} (${formatRatio(median(paced) / median(local))} of all queued at once)`,
      );
      if (key === 'render') warmLocal.push(...local);
      result.rows.push({
        benchmark: BENCHMARK,
        measured: `${names[key]} (${renderer}), warm`,
        value: formatMiBs(median(full)),
        baseline: `xterm.js (${renderer}) writing the same bytes in the page ${formatMiBs(median(local))}`,
        ratio: formatRatio(median(full) / median(local)),
        target: `≥ ${RENDER_TARGET_RATIO}× xterm.js`,
        met: median(full) / median(local) >= RENDER_TARGET_RATIO,
      });
    }
    if (coldRate) {
      result.rows.push({
        benchmark: BENCHMARK,
        measured: `${names.renderCold} (${coldRate.renderer})`,
        value: formatMiBs(coldRate.rate),
        baseline: `xterm.js (${coldRate.renderer}) writing the same bytes in the page, warm ${formatMiBs(median(warmLocal))}`,
        ratio: formatRatio(coldRate.rate / median(warmLocal)),
      });
    }
    result.checks.push({
      what: 'browser: the page received and acknowledged every byte of each stream',
      ok: counts.length === 3 * runs + 1 && counts.every((c) => c === expected.bytes),
      detail: `${3 * runs + 1} × ${expected.bytes} bytes expected; received ${[...new Set(counts)].join(', ')}`,
    });

    // This page against another build of it (BENCH_PAGE_BASELINE), each served beside the same gateway
    // by a page server of its own, taking turns; the DOM renderer in both.
    if (baselinePage !== undefined) {
      const servers = [
        await PageServer.start(WEB_DIST, gateway.httpUrl),
        await PageServer.start(resolve(baselinePage), gateway.httpUrl),
      ];
      stoppers.push(...servers);
      const pages: CdpPage[] = [];
      for (const server of servers) {
        const page = await newPage();
        await openSession(page, server.url, 'render&renderer=dom');
        pages.push(page);
      }
      const rates: number[][] = [[], []];
      const counters: Array<Record<string, number>> = [];
      // One untimed stream each first, with Chromium's counters of the main thread's CPU time on; then
      // the timed warm runs, with nothing but the page's own clock.
      for (let run = 0; run <= runs; run++) {
        for (const [k, page] of pages.entries()) {
          progress(`browser: ${k === 0 ? 'this page' : 'BENCH_PAGE_BASELINE'}, run ${run}/${runs}`);
          await page.bringToFront();
          await page.evaluate(() => {
            (
              document.querySelector('[data-testid="terminal"] textarea') as HTMLTextAreaElement | null
            )?.focus();
          });
          let got = { seconds: 0, received: 0 };
          const stream = async () => {
            got = await renderThroughStack(page, expected.bytes, timeoutMs);
          };
          if (run === 0) counters[k] = await page.countWhile(stream);
          else await stream();
          if (got.received !== expected.bytes) throw new Error(`the page received ${got.received} bytes`);
          if (run > 0) rates[k]!.push(expected.bytes / MiB / got.seconds);
        }
      }
      for (const page of pages) await page.close();
      const [mine, theirs] = [median(rates[0]!), median(rates[1]!)];
      result.rows.push({
        benchmark: BENCHMARK,
        measured: `${names.baselinePage}, warm`,
        value: formatMiBs(mine),
        baseline: `BENCH_PAGE_BASELINE ${formatMiBs(theirs)}`,
        ratio: formatRatio(mine / theirs),
      });
      result.notes.push(
        `Browser: main thread during the untimed stream (Chromium's Performance counters, thread CPU time): this page ${describeCounters(counters[0]!, expected.bytes)}; BENCH_PAGE_BASELINE ${describeCounters(counters[1]!, expected.bytes)}.`,
      );
      result.notes.push(
        `Browser: this page (apps/web/dist) and BENCH_PAGE_BASELINE (${baselinePage}) each served by a page server of its own in front of the same gateway, the same target, ${runs} warm runs each taking turns after one untimed stream; the ratio is this page's median rate over the baseline's.`,
      );

      // Page load and initial JavaScript of the two builds, the loads taking turns through the same
      // page servers, each in a fresh browser context.
      const loadTimes: number[][] = [[], []];
      for (let run = 0; run <= runs; run++) {
        for (const [k, server] of servers.entries()) {
          progress(
            `browser: page load, ${k === 0 ? 'this page' : 'BENCH_PAGE_BASELINE'}, run ${run}/${runs}`,
          );
          const visitor = await newPage(true);
          try {
            await visitor.goto(`${server.url}/?target=demo`);
            await visitor.waitForFunction(
              () => (window as unknown as ProbeWindow).__bench.promptAt !== undefined,
              undefined,
              30_000,
              20,
            );
            // The first load of each warms the gateway and the demo host up; it is not counted.
            if (run > 0) loadTimes[k]!.push((await probeOf(visitor)).promptAt!);
          } finally {
            await visitor.dispose();
          }
        }
      }
      const [myLoad, theirLoad] = [median(loadTimes[0]!), median(loadTimes[1]!)];
      result.rows.push({
        benchmark: BENCHMARK,
        measured: 'page load → demo host prompt written, this page vs BENCH_PAGE_BASELINE',
        value: `median ${formatMs(myLoad)} · max ${formatMs(Math.max(...loadTimes[0]!))}`,
        baseline: `BENCH_PAGE_BASELINE median ${formatMs(theirLoad)} · max ${formatMs(Math.max(...loadTimes[1]!))}`,
        ratio: formatRatio(myLoad / theirLoad),
      });
      const gzipOf = (dist: string) => initialScripts(dist).reduce((n, f) => n + gzipSize(f), 0);
      const [myJs, theirJs] = [gzipOf(WEB_DIST), gzipOf(resolve(baselinePage))];
      result.rows.push({
        benchmark: BENCHMARK,
        measured: 'initial JS, gzip, this page vs BENCH_PAGE_BASELINE',
        value: kb(myJs),
        baseline: `BENCH_PAGE_BASELINE ${kb(theirJs)}`,
        ratio: formatRatio(myJs / theirJs),
      });
      result.notes.push(
        `Browser: page load → prompt of this page and BENCH_PAGE_BASELINE, each through its page server in front of the same gateway, taking turns, a fresh browser context each time, median and max of ${runs} after one warm-up load each.`,
      );
    }

    // This gateway against another build of it (BENCH_GATEWAY_COMPARE), the same page and host, each
    // target in a page of its own, taking turns; the DOM renderer in all.
    if (compareGateway !== undefined) {
      const theirs = await GatewayProcess.start({
        workDir: context.workDir,
        main: resolve(compareGateway),
        targets: [
          { id: 'render', port: streamPort },
          { id: 'render-noscreen', port: streamPort, graceSeconds: 0 },
        ],
      });
      stoppers.push(theirs);
      const pairs: Array<{ label: string; target: string; pages: CdpPage[]; rates: number[][] }> = [
        { label: '', target: 'render', pages: [], rates: [[], []] },
        { label: ', no screen state at the gateway', target: 'render-noscreen', pages: [], rates: [[], []] },
      ];
      for (const pair of pairs) {
        for (const server of [gateway, theirs]) {
          const page = await newPage();
          await openSession(page, server.httpUrl, `${pair.target}&renderer=dom`);
          pair.pages.push(page);
        }
      }
      // One untimed stream each first (the pages' code warms up), then the timed runs.
      for (let run = 0; run <= runs; run++) {
        for (const pair of pairs) {
          for (const [k, page] of pair.pages.entries()) {
            progress(
              `browser: ${k === 0 ? 'this gateway' : 'BENCH_GATEWAY_COMPARE'}, ${pair.target}, run ${run}/${runs}`,
            );
            await page.bringToFront();
            await page.evaluate(() => {
              (
                document.querySelector('[data-testid="terminal"] textarea') as HTMLTextAreaElement | null
              )?.focus();
            });
            const got = await renderThroughStack(page, expected.bytes, timeoutMs);
            if (got.received !== expected.bytes) throw new Error(`the page received ${got.received} bytes`);
            if (run > 0) pair.rates[k]!.push(expected.bytes / MiB / got.seconds);
          }
        }
      }
      for (const pair of pairs) {
        for (const page of pair.pages) await page.close();
        const [mine, base] = [median(pair.rates[0]!), median(pair.rates[1]!)];
        result.rows.push({
          benchmark: BENCHMARK,
          measured: `${names.compareGateway}${pair.label}, warm`,
          value: formatMiBs(mine),
          baseline: `BENCH_GATEWAY_COMPARE ${formatMiBs(base)}`,
          ratio: formatRatio(mine / base),
        });
      }
      result.notes.push(
        `Browser: this gateway (apps/gateway/dist) and BENCH_GATEWAY_COMPARE (${compareGateway}) side by side, the same page build and the same host, each target in a page of its own, ${runs} warm runs each taking turns after one untimed stream; the ratio is this gateway's median rate over the baseline's.`,
      );
    }

    // Time to resume: from the new socket's open to the SCREEN frame written, p99.
    if (resumeTimes.length > 0) {
      const times = summarizeLatency(resumeTimes);
      const answered = summarizeLatency(resumeAnswers);
      result.rows.push({
        benchmark: BENCHMARK,
        measured: `${names.resume} (${renderers[0]})`,
        value: `p50 ${formatMs(times.p50)} · p99 ${formatMs(times.p99)} · max ${formatMs(times.max)}`,
        baseline: `socket open → the gateway's first frame: p50 ${formatMs(answered.p50)} · p99 ${formatMs(answered.p99)}`,
        ratio: formatRatio(times.p99 / answered.p99),
        target: 'p99 ≤ 300 ms',
        met: times.p99 <= RESUME_TARGET_MS,
      });
    }

    const echoChecks: Array<{ target: string; idle: number; shown: number }> = [];
    // Echo while flooding, lossless and responsive side by side: the same page with no flood is each
    // one's baseline.
    for (const [key, target] of [
      ['echo', 'echo'],
      ['echoResponsive', 'echo-responsive'],
    ] as const) {
      progress(
        `browser: keystroke echo (${target}), ${keystrokes} keys idle and ${keystrokes} during a flood`,
      );
      const page = await newPage();
      const echoRenderer = await openSession(page, gateway.httpUrl, target);
      const idle = await typeAndTime(page, keystrokes, 20, 30_000);
      await floodHost.request({ type: 'flood', on: true }, 'flooding', 10_000);
      // Until the buffers between host and page are full, as they are in a flood that has run a while.
      await new Promise((resolve) => setTimeout(resolve, settings.smoke ? 200 : 2000));
      if (context.profileDir) await page.startProfile();
      const flooded = await typeAndTime(page, keystrokes, 100, 60_000 + keystrokes * 1000, async () => {
        if (context.profileDir) await saveProfile(context, `page-${key}-flood`, await page.stopProfile());
        await floodHost.request({ type: 'flood', on: false }, 'flooding', 10_000);
      });
      echoChecks.push({ target, idle: idle.overwritten, shown: flooded.delays.length });
      const describe = (s: ReturnType<typeof summarizeLatency>) =>
        `p50 ${formatMs(s.p50)} · p99 ${formatMs(s.p99)} · max ${formatMs(s.max)}`;
      const floodedTimes = summarizeLatency(flooded.delays);
      const idleTimes = summarizeLatency(idle.delays);
      result.rows.push({
        benchmark: BENCHMARK,
        measured: `${names[key]} (${echoRenderer})`,
        value: `${describe(floodedTimes)}${flooded.overwritten > 0 ? ` · ${flooded.overwritten} of ${keystrokes} overwritten by the flood before shown` : ''}`,
        baseline: `same page, no flood: ${describe(idleTimes)}`,
        ratio: formatRatio(floodedTimes.p99 / idleTimes.p99),
        // Lossless output has no latency goal: every byte reaches the page in order, the echo included.
        ...(key !== 'echo' && { target: 'p99 ≤ 200 ms', met: floodedTimes.p99 <= ECHO_TARGET_MS }),
      });
      // Ended, not only closed: a closed page leaves its session detached, the gateway still reading the
      // host, which floods again for the next target — the next echo would be timed beside a second flood.
      await endSession(page);
      await page.close();
    }

    if (bareNote) result.notes.push(`Browser: ${bareNote}.`);
    if (mainThread.length > 0) {
      result.notes.push(
        `Browser: the page's main thread per MiB, ?renderer=dom, one untimed stream each (Chromium's Performance counters, thread CPU time): ${mainThread.join('')}.`,
      );
    }
    const lossless = echoChecks.find((c) => c.target === 'echo');
    result.checks.push({
      what: 'browser: every key typed was echoed; lossless output showed every echo, flood or not',
      ok: echoChecks.every((c) => c.idle === 0) && lossless?.shown === keystrokes,
      detail: echoChecks
        .map(
          (c) =>
            `${c.target}: idle ${keystrokes - c.idle}/${keystrokes}, flood ${c.shown}/${keystrokes} shown`,
        )
        .join('; '),
    });

    // Page load to the demo host's prompt, each time in a fresh context (no cache), as a new visitor.
    progress(`browser: page load → prompt, ${runs} fresh loads`);
    const loads: number[] = [];
    const firstOutputs: number[] = [];
    for (let run = 0; run < runs + 1; run++) {
      const visitor = await newPage(true);
      try {
        await visitor.goto(`${gateway.httpUrl}/?target=demo`);
        await visitor.waitForFunction(
          () => (window as unknown as ProbeWindow).__bench.promptAt !== undefined,
          undefined,
          30_000,
          20,
        );
        const probe = await probeOf(visitor);
        // The first load warms the gateway and the demo host up; it is not counted.
        if (run > 0) {
          loads.push(probe.promptAt!);
          firstOutputs.push(probe.firstOutputAt!);
        }
      } finally {
        await visitor.dispose();
      }
    }
    result.rows.push({
      benchmark: BENCHMARK,
      measured: names.load,
      value: `median ${formatMs(median(loads))} · max ${formatMs(Math.max(...loads))}`,
      baseline: `first output byte arrives at ${formatMs(median(firstOutputs))}`,
      ratio: formatRatio(median(loads) / median(firstOutputs)),
      target: '≤ 1 s',
      met: Math.max(...loads) <= LOAD_TARGET_MS,
    });
    result.rows.push(js.row);
    result.notes.push(
      `Browser: page load → prompt is from navigation start to the page acknowledging the output that ends with \`demo$ \` (xterm.js has written it), in a fresh browser context each time (nothing cached), median and max of ${runs} after one warm-up load; the baseline is when the first OUTPUT byte reached the page.`,
      `Browser: the page times itself (performance.now in an init script watching its WebSocket), and the benchmark waits on one promise the page resolves, so nothing polls the page while it renders; Chromium is driven over the DevTools protocol with only Target, Page, Runtime, Input and Emulation (never Network: with it on, as Playwright always has it, Chromium reports every WebSocket frame to the DevTools client, which halves the render rate; figures before 2026-12 were measured that way). The cold row is the first stream into a freshly loaded page; warm rows are the median of the runs after it.`,
      `Browser: time to resume is the page's socket closed from the page (code 4000, as a lost network path), ${resumes} times on the render page after its streams (a screen full of colour with 1,000 lines of scrollback), each from the new socket's open to the SCREEN frame written by xterm.js; the baseline is the gateway's first frame on that socket.`,
      `Browser: echo during a flood is from the key event's time stamp to the echo written by xterm.js; the host floods log lines into a scroll region below a status line and echoes the n-th \`~\` as \`~n~\` in the status line (as programs with a status line do), so each key's echo stays on screen until the next and is found in OUTPUT or, with output: responsive, in the SCREEN frame that replaces the skipped backlog. ${keystrokes} keys 20 ms apart idle, then 100 ms apart into a flood that has run ${settings.smoke ? 0.2 : 2} s; the lossless and the responsive target share the flooding host, one after the other.`,
      `Browser: ${running.version} headless, 1280×800, terminal ${size.cols}×${size.rows}; the page picked the ${renderers[0]} renderer (with --disable-gpu, WebGL is drawn in software, by the CPU); the local xterm.js uses the same renderer as the page beside it. Render rate: ${(expected.bytes / MiB).toFixed(1)} MiB of terminal bytes, from the first OUTPUT byte to the last ACK (sent from xterm.js's write callback), median of ${runs}.`,
      `Browser: the same local xterm.js fed one 64 KiB write per task, as WebSocket messages arrive, with at most 1 MiB unparsed (the flow-control window) and no network at all: ${pacedNotes.join('; ')}.`,
      js.note,
    );
  } finally {
    // A launch still under way is waited for, so its browser is closed too.
    await launching?.catch(() => undefined);
    await browser?.close().catch(() => {});
    for (const s of stoppers.reverse()) await s.stop();
  }
  return result;
}
