import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findCycles, layerViolations, readImportGraph } from './import-graph.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the workspace import graph', () => {
  const graph = readImportGraph(ROOT);

  it('reads every project (the engines, the apps, the tests)', () => {
    for (const file of [
      'packages/telnet-core/src/engine.ts',
      'packages/protocol/src/index.ts',
      'apps/gateway/src/app.ts',
      'apps/web/src/app/App.tsx',
      'apps/web/src/terminal/terminal-view.ts',
      'bench/src/main.ts',
    ]) {
      expect(graph.has(file), file).toBe(true);
    }
    // Bare workspace names resolve to the package's sources.
    expect(
      graph.get('apps/gateway/src/app.ts')?.imports.some((f) => f.startsWith('packages/protocol/src/')),
    ).toBe(true);
  });

  it('has no import cycle', () => {
    expect(findCycles(graph)).toEqual([]);
  });

  it('keeps its layers', () => {
    expect(layerViolations(graph)).toEqual([]);
  });
});

describe('the checker itself', () => {
  const root = mkdtempSync(join(tmpdir(), 'telgate-graph-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('packages/protocol/package.json', '{"name":"@telgate/protocol"}');
  write('packages/protocol/src/index.ts', "export * from './a.js';\nimport { Socket } from 'node:net';\n");
  write('packages/protocol/src/a.ts', "import type { B } from './b';\nexport const a = 1;\n");
  write('packages/protocol/src/b.ts', "import { a } from './a.js';\nexport type B = typeof a;\n");
  write('apps/web/package.json', '{"name":"@telgate/web"}');
  write('apps/web/src/app/route.ts', "import { x } from '../terminal/view';\nexport type Theme = 'dark';\n");
  write('apps/web/src/terminal/view.ts', "import type { Theme } from '../app/route';\nexport const x = 1;\n");
  write('apps/web/src/terminal/lazy.ts', "export const load = () => import('@telgate/protocol');\n");
  write('packages/protocol/src/up.ts', "import '../../../apps/web/src/app/route';\n");

  const graph = readImportGraph(root);

  it('finds cycles through type-only imports and `.js` specifiers', () => {
    expect(findCycles(graph)).toEqual([
      ['apps/web/src/app/route.ts', 'apps/web/src/terminal/view.ts'],
      ['packages/protocol/src/a.ts', 'packages/protocol/src/b.ts'],
    ]);
  });

  it('resolves workspace package names and dynamic imports', () => {
    expect(graph.get('apps/web/src/terminal/lazy.ts')?.imports).toEqual(['packages/protocol/src/index.ts']);
  });

  it('reports each broken layer rule', () => {
    expect(layerViolations(graph)).toEqual([
      'packages/ import nothing of apps/: packages/protocol/src/up.ts -> apps/web/src/app/route.ts',
      'packages/protocol/ (sans-IO) imports no runtime module: packages/protocol/src/index.ts -> node:net',
      'packages/protocol/ imports nothing of the apps: packages/protocol/src/up.ts -> apps/web/src/app/route.ts',
      'web terminal/ imports nothing of web app/: apps/web/src/terminal/view.ts -> apps/web/src/app/route.ts',
    ]);
  });
});
