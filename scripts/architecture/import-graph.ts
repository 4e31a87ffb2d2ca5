/**
 * The workspace's import graph, read from the sources with the TypeScript compiler's own pre-processor
 * (static imports, re-exports, `import type`, dynamic `import()` and `require`), and the rules it must
 * keep: no cycle anywhere, and the layers below.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** One file (a path relative to the root, with `/`) and the workspace files and bare modules it imports. */
export interface ModuleNode {
  readonly file: string;
  readonly imports: readonly string[];
  readonly external: readonly string[];
}

/** Folders that hold a workspace project: each holds a package.json with the project's name. */
const PROJECT_GLOBS = ['packages', 'apps', 'examples'];
const SINGLE_PROJECTS = ['bench', 'e2e'];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'build', 'test-results', 'playwright-report', '.telgate']);
const SOURCE = /\.(?:ts|tsx|mts|cts)$/;

function projectDirs(root: string): string[] {
  const dirs: string[] = [];
  for (const parent of PROJECT_GLOBS) {
    const at = join(root, parent);
    if (!existsSync(at)) continue;
    for (const name of readdirSync(at)) {
      if (existsSync(join(at, name, 'package.json'))) dirs.push(join(at, name));
    }
  }
  for (const name of SINGLE_PROJECTS) {
    if (existsSync(join(root, name, 'package.json'))) dirs.push(join(root, name));
  }
  return dirs;
}

function sourceFiles(dir: string, into: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name) || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, into);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) into.push(path);
  }
  return into;
}

/** Each workspace package's name → the file its bare import resolves to (its `src/index.ts`). */
function packageEntries(root: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const dir of projectDirs(root)) {
    const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
    const index = ['src/index.ts', 'src/index.tsx'].map((f) => join(dir, f)).find((f) => existsSync(f));
    if (name && index) entries.set(name, index);
  }
  return entries;
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(?:js|jsx|mjs|cjs)$/, '');
  const candidates = [
    base,
    `${stem}.ts`,
    `${stem}.tsx`,
    `${stem}.mts`,
    `${stem}.cts`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ];
  return candidates.find((c) => SOURCE.test(c) && existsSync(c) && statSync(c).isFile());
}

const toKey = (root: string, file: string): string => relative(root, file).split(sep).join('/');

/** Reads every TypeScript source of every workspace project below `root`. */
export function readImportGraph(root: string): Map<string, ModuleNode> {
  const entries = packageEntries(root);
  const graph = new Map<string, ModuleNode>();
  for (const dir of projectDirs(root)) {
    for (const file of sourceFiles(dir)) {
      const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      const imports = new Set<string>();
      const external = new Set<string>();
      for (const { fileName: specifier } of info.importedFiles) {
        if (specifier.startsWith('.')) {
          const target = resolveRelative(file, specifier);
          if (target) imports.add(toKey(root, target));
        } else if (entries.has(specifier)) {
          imports.add(toKey(root, entries.get(specifier) as string));
        } else {
          external.add(specifier);
        }
      }
      const key = toKey(root, file);
      graph.set(key, { file: key, imports: [...imports].sort(), external: [...external].sort() });
    }
  }
  return graph;
}

/** Every cycle, as the files of one strongly connected component (Tarjan), each listed in order. */
export function findCycles(graph: ReadonlyMap<string, ModuleNode>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (start: string): void => {
    // Iterative, so a deep chain of imports cannot overflow the call stack.
    const work: Array<{ node: string; next: number }> = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: string; next: number };
      const edges = graph.get(frame.node)?.imports ?? [];
      if (frame.next < edges.length) {
        const to = edges[frame.next++] as string;
        if (!graph.has(to)) continue;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(to) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent)
        low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = graph.get(frame.node)?.imports.includes(frame.node) ?? false;
        if (component.length > 1 || selfLoop) cycles.push(component.sort());
      }
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

/** A layer rule: no file under `from` (but those `except` matches) may import what `forbidden` matches. */
export interface LayerRule {
  readonly name: string;
  readonly from: string;
  readonly except?: RegExp;
  /** A workspace file (relative path) or a bare module name that must not be imported. */
  readonly forbidden: (target: string, kind: 'workspace' | 'external') => boolean;
}

const ENGINES = [
  'packages/telnet-core/',
  'packages/protocol/',
  'packages/supdup/',
  'packages/xterm-region-scroll/',
];
const TESTS = /(?:\.test\.tsx?$|\/test\/|\/testing\/|\/bench\/|vitest\.config\.ts$)/;

/** The layers of the workspace. */
export const LAYER_RULES: readonly LayerRule[] = [
  ...ENGINES.map(
    (from): LayerRule => ({
      name: `${from} imports nothing of the apps`,
      from,
      forbidden: (target, kind) => kind === 'workspace' && target.startsWith('apps/'),
    }),
  ),
  ...ENGINES.map(
    (from): LayerRule => ({
      name: `${from} (sans-IO) imports no runtime module`,
      from,
      except: TESTS,
      forbidden: (target, kind) => kind === 'external' && (isBuiltin(target) || target === 'ws'),
    }),
  ),
  {
    name: 'packages/ import nothing of apps/',
    from: 'packages/',
    forbidden: (target, kind) => kind === 'workspace' && target.startsWith('apps/'),
  },
  {
    name: 'web terminal/ imports nothing of web app/',
    from: 'apps/web/src/terminal/',
    forbidden: (target, kind) => kind === 'workspace' && target.startsWith('apps/web/src/app/'),
  },
];

/** Each import that breaks a rule, as `rule: file -> target`. */
export function layerViolations(
  graph: ReadonlyMap<string, ModuleNode>,
  rules: readonly LayerRule[] = LAYER_RULES,
): string[] {
  const found: string[] = [];
  for (const node of graph.values()) {
    for (const rule of rules) {
      if (!node.file.startsWith(rule.from) || rule.except?.test(node.file)) continue;
      for (const target of node.imports) {
        if (rule.forbidden(target, 'workspace')) found.push(`${rule.name}: ${node.file} -> ${target}`);
      }
      for (const target of node.external) {
        if (rule.forbidden(target, 'external')) found.push(`${rule.name}: ${node.file} -> ${target}`);
      }
    }
  }
  return found.sort();
}
