import { fileURLToPath } from 'node:url';
import { build, type Rollup } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What the terminal page loads before its first paint, from a real production build of the page
 * (in memory, no source maps). The build runs with NODE_ENV=test in the environment, as vitest sets
 * it: the page must still bundle React's production build then.
 */
const webRoot = fileURLToPath(new URL('..', import.meta.url));

/** Modules the terminal page loads only when asked for: never in the scripts index.html loads. */
const LATER: Array<[string, RegExp]> = [
  ['the recordings page', /[\\/]src[\\/]recordings[\\/]/],
  ['asciinema-player', /[\\/]asciinema-player[\\/]/],
  ['the inspector', /[\\/]src[\\/]ui[\\/]inspector[\\/]/],
  ['the WebGL renderer', /[\\/]@xterm[\\/]addon-webgl[\\/]/],
  ['the search addon', /[\\/]@xterm[\\/]addon-search[\\/]/],
  ['the serialize addon', /[\\/]@xterm[\\/]addon-serialize[\\/]/],
];

let chunks: Rollup.OutputChunk[] = [];
let html = '';
const nodeEnv = process.env.NODE_ENV;

beforeAll(async () => {
  expect(process.env.NODE_ENV).toBe('test');
  const result = await build({
    root: webRoot,
    configFile: `${webRoot}vite.config.ts`,
    logLevel: 'silent',
    build: { write: false, sourcemap: false, reportCompressedSize: false },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
  chunks = outputs.filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
  const index = outputs.find(
    (o): o is Rollup.OutputAsset => o.type === 'asset' && o.fileName === 'index.html',
  );
  if (!index) throw new Error('the build wrote no index.html');
  html = String(index.source);
}, 120_000);

afterAll(() => {
  // The config makes a build a production one by setting NODE_ENV: give the worker its own back.
  process.env.NODE_ENV = nodeEnv;
});

/** The entry chunk and every chunk it imports statically, transitively. */
function initialChunks(): Rollup.OutputChunk[] {
  const byName = new Map(chunks.map((c) => [c.fileName, c]));
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const next of byName.get(name)?.imports ?? []) visit(next);
  };
  for (const c of chunks) if (c.isEntry) visit(c.fileName);
  return [...seen].map((name) => byName.get(name)!);
}

describe('the page’s initial JavaScript', () => {
  it('is what index.html loads: its module script and the modules it preloads', () => {
    const loaded = [
      ...[...html.matchAll(/<script[^>]*\ssrc="\/([^"]+)"/g)].map((m) => m[1]),
      ...[...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/([^"]+)"/g)].map((m) => m[1]),
    ];
    expect(new Set(loaded)).toEqual(new Set(initialChunks().map((c) => c.fileName)));
  });

  it.each(LATER)('leaves out %s, which loads on demand', (_name, pattern) => {
    const all = chunks.flatMap((c) => c.moduleIds);
    // The module is in the build (so the check below means something) …
    expect(all.some((id) => pattern.test(id))).toBe(true);
    // … but only in chunks loaded later.
    const initial = initialChunks().flatMap((c) => c.moduleIds);
    expect(initial.filter((id) => pattern.test(id))).toEqual([]);
  });

  it('bundles the production build of React even with NODE_ENV=test in the environment', () => {
    const initial = initialChunks().flatMap((c) => c.moduleIds);
    expect(initial.some((id) => /react-dom[\\/]cjs[\\/]react-dom-client\.production\.js$/.test(id))).toBe(
      true,
    );
    expect(initial.filter((id) => /\.development\.js$/.test(id))).toEqual([]);
  });
});
