import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject } from 'ajv';
import { type Document, isMap, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import { type ConfigPath, normalizeConfig } from './normalize.js';
import { configSchema, type RawConfig } from './schema.js';
import type { GatewayConfig } from './types.js';

export interface ConfigIssue {
  /** Where, for people: `targets[2].port (line 14)`, `listen.port (from --port)`. */
  readonly where: string;
  readonly message: string;
  /** For sorting: the line in the file, if the problem is in the file. */
  readonly line?: number;
}

/** The configuration cannot be used. The message lists every problem found, one a line. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(source: string, issues: readonly ConfigIssue[]) {
    const sorted = [...issues].sort(
      (a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER),
    );
    super(
      `invalid configuration (${source}):\n${sorted.map((i) => `  ${i.where}: ${i.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
    this.issues = sorted;
  }
}

/** A setting given outside the file (command line or environment), applied over the file's value. */
export interface ConfigOverride {
  readonly path: readonly [string, ...string[]];
  readonly value: unknown;
  /** Where it came from, for messages: `--port`, `TELGATE_PORT`. */
  readonly source: string;
}

export interface ParseConfigOptions {
  /** Names the source in messages: a file path, or e.g. `built-in defaults`. */
  readonly sourceName?: string;
  readonly overrides?: readonly ConfigOverride[];
}

export function formatPath(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text || '(top level)';
}

/** Finds where a path's value (or key) is written in the parsed document. */
class SourceMap {
  constructor(
    private readonly doc: Document | undefined,
    private readonly lines: LineCounter,
    private readonly overrides: readonly ConfigOverride[],
  ) {}

  describe(path: ConfigPath, at?: 'key'): { where: string; line?: number } {
    const name = formatPath(path);
    const override = this.overrides.find(
      (o) => o.path.length === path.length && o.path.every((s, i) => s === path[i]),
    );
    if (override) return { where: `${name} (from ${override.source})` };
    const node = at === 'key' ? this.keyNode(path) : this.valueNode(path);
    const offset = node?.range?.[0];
    if (offset === undefined) return { where: name };
    const { line } = this.lines.linePos(offset);
    return { where: `${name} (line ${line})`, line };
  }

  private valueNode(path: ConfigPath): Node | undefined {
    if (path.length === 0) return this.doc?.contents ?? undefined;
    const node = this.doc?.getIn(path, true);
    // A value that came from the defaults has no node, and then no line either.
    return node && typeof node === 'object' && 'range' in node ? (node as Node) : undefined;
  }

  private keyNode(path: ConfigPath): Node | undefined {
    const parent = path.length > 1 ? this.doc?.getIn(path.slice(0, -1), true) : this.doc?.contents;
    const key = path[path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
      if (pair && isScalar(pair.key)) return pair.key;
    }
    return undefined;
  }
}

const validateRaw = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true }).compile(
  configSchema,
);

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
};

/** Edit distance, for "did you mean" hints on misspelt keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function schemaIssue(error: ErrorObject): { path: ConfigPath; message: string; at?: 'key' } {
  const path: (string | number)[] = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const close = allowed
        .filter((k) => distance(k, key) <= 2)
        .sort((a, b) => distance(a, key) - distance(b, key));
      const hint = close.length > 0 ? `; did you mean "${close[0]}"?` : ` (allowed: ${allowed.join(', ')})`;
      return { path: [...path, key], message: `unknown key${hint}`, at: 'key' };
    }
    case 'required':
      return { path, message: `needs "${String(params.missingProperty)}"` };
    case 'type': {
      const types = String(params.type).split(',');
      return { path, message: `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}` };
    }
    case 'enum':
      return {
        path,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v).replace(/"/g, "'")).join(', ')}`,
      };
    case 'minimum':
      return { path, message: `must be ≥ ${String(params.limit)}` };
    case 'maximum':
      return { path, message: `must be ≤ ${String(params.limit)}` };
    case 'minLength':
      return {
        path,
        message:
          params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters`,
      };
    case 'maxLength':
      return { path, message: `must be at most ${String(params.limit)} characters` };
    case 'minItems':
      return { path, message: `must list at least ${String(params.limit)}` };
    case 'maxItems':
      return { path, message: `must list at most ${String(params.limit)}` };
    case 'pattern':
      if (path[path.length - 1] === 'id') {
        return {
          path,
          message: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
        };
      }
      if (path[path.length - 1] === 'passwordEnv') {
        return { path, message: 'must be an environment variable name (letters, digits and "_")' };
      }
      return { path, message: 'must be 1-40 printable ASCII characters without spaces' };
    default:
      return { path, message: error.message ?? 'is not valid' };
  }
}

function applyOverride(raw: Record<string, unknown>, override: ConfigOverride): void {
  let node = raw;
  for (const key of override.path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[override.path[override.path.length - 1]!] = override.value;
}

/**
 * Reads a configuration from YAML or JSON text (JSON is YAML), applies overrides, checks it against the
 * schema and the rules in `normalizeConfig`, and returns it with defaults filled in. Throws
 * ConfigError listing every problem with its key and line. Empty text means all defaults.
 */
export function parseConfig(text: string, options: ParseConfigOptions = {}): GatewayConfig {
  const sourceName = options.sourceName ?? 'configuration';
  const overrides = options.overrides ?? [];
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const sourceMap = new SourceMap(doc, lines, overrides);
  if (doc.errors.length > 0) {
    throw new ConfigError(
      sourceName,
      doc.errors.map((error) => {
        const line = lines.linePos(error.pos[0]).line;
        return {
          where: `line ${line}`,
          line,
          message: error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
        };
      }),
    );
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(sourceName, [
      { where: '(top level)', message: 'must be a mapping of settings (listen, targets, security, …)' },
    ]);
  }
  const raw = value as Record<string, unknown>;
  for (const override of overrides) applyOverride(raw, override);

  const issues: ConfigIssue[] = [];
  const report = (path: ConfigPath, message: string, at?: 'key') => {
    issues.push({ ...sourceMap.describe(path, at), message });
  };
  if (!validateRaw(raw)) {
    for (const error of validateRaw.errors ?? []) {
      const issue = schemaIssue(error);
      report(issue.path, issue.message, issue.at);
    }
    throw new ConfigError(sourceName, issues);
  }
  const config = normalizeConfig(raw as RawConfig, report);
  if (issues.length > 0) throw new ConfigError(sourceName, issues);
  return config;
}

/** Reads and parses a configuration file; see parseConfig. */
export async function loadConfigFile(
  path: string,
  overrides: readonly ConfigOverride[] = [],
): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError(path, [{ where: 'file', message: `cannot be read: ${reason}` }]);
  }
  return parseConfig(text, { sourceName: path, overrides });
}
