import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readImportGraph } from './import-graph.js';
import {
  definedTwice,
  exportedDeclarations,
  handWrittenShapes,
  literalUnions,
  topLevelDeclarations,
  typeAliasText,
  wordLists,
} from './vocabulary.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TEST_ONLY = /(?:\.test\.tsx?$|\.fixture\.ts$|\/test\/|\/testing\/)/;

/** The modules that own the shared vocabulary: everything they export is defined there and only there. */
const VOCABULARY_SOURCES = [
  'packages/protocol/src/payloads.ts',
  'packages/protocol/src/frame-types.ts',
  'packages/protocol/src/close-codes.ts',
  'packages/protocol/src/kiosk.ts',
  'packages/protocol/src/origin.ts',
  'packages/protocol/src/client-frames.ts',
  'packages/protocol/src/server-frames.ts',
  'packages/protocol/src/http-api.ts',
  'packages/telnet-core/src/settings.ts',
  'apps/gateway/src/config/schema.ts',
];

describe('the shared vocabulary', () => {
  const sources = [...readImportGraph(ROOT).keys()].filter((file) => !TEST_ONLY.test(file));
  const vocabulary = new Set(
    VOCABULARY_SOURCES.flatMap((file) => exportedDeclarations(readFileSync(join(ROOT, file), 'utf8'), file)),
  );

  it('covers the names that were written several times', () => {
    for (const name of [
      'EolMode',
      'EOL_MODES',
      'BackspaceKey',
      'BACKSPACE_KEYS',
      'LocalEchoMode',
      'TerminalMode',
      'KioskSetting',
      'KioskToolbarItem',
      'normalizeOrigin',
      'RawConfig',
      'RecordingInfo',
      'LiveSessionInfo',
    ]) {
      expect(vocabulary.has(name), name).toBe(true);
    }
  });

  it('is defined once: every other module imports it', () => {
    expect(Object.fromEntries(definedTwice(ROOT, sources, vocabulary))).toEqual({});
  });

  it('writes the end-of-line modes out in one place only', () => {
    const spelled = sources.filter((file) =>
      /['"]crlf['"]\s*(?:\||,)\s*['"]crnul['"]/.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(spelled).toEqual(['packages/telnet-core/src/settings.ts']);
  });
});

/** The gateway's configuration schema: the configuration file's shape and the words of its settings. */
const CONFIG_SCHEMA = 'apps/gateway/src/config/schema.ts';

describe('the gateway configuration', () => {
  const sources = [...readImportGraph(ROOT).keys()].filter((file) => !TEST_ONLY.test(file));
  const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
  const schema = read(CONFIG_SCHEMA);

  it('has the shape of the file derived from the schema, not written beside it', () => {
    expect(typeAliasText(schema, 'RawConfig')).toBe('Static<typeof configSchema>');
    expect(handWrittenShapes(schema, CONFIG_SCHEMA)).toEqual([]);
  });

  it('lists the words of each setting in the schema only', () => {
    const key = (words: readonly string[]) => [...words].sort().join(' | ');
    const lists = new Set(wordLists(schema, CONFIG_SCHEMA).map(key));
    expect(lists).toContain('active | auto | passive');
    expect(lists).toContain('debug | error | fatal | info | silent | trace | warn');
    // The product's sources, as unions and as lists (the benchmarks, a tool apart, write some of these
    // words into their configurations).
    const relisted = sources
      .filter((file) => /^(?:apps|packages)\//.test(file) && file !== CONFIG_SCHEMA)
      .flatMap((file) =>
        [...literalUnions(read(file), file), ...wordLists(read(file), file)]
          .filter((words) => lists.has(key(words)))
          .map((words) => `${file}: ${words.join(' | ')}`),
      );
    expect(relisted).toEqual([]);
  });
});

describe('the declaration reader', () => {
  it('sees types, interfaces, functions, classes, enums and variables, not imports', () => {
    const text = [
      "import { type EolMode, EOL_MODES } from '@telgate/telnet-core';",
      "export type BackspaceKey = 'del' | 'bs';",
      'interface Local {}',
      'export function normalizeOrigin() {}',
      'class C {}',
      'enum E { A }',
      'export const A = 1, B = 2;',
    ].join('\n');
    expect(topLevelDeclarations(text)).toEqual([
      'BackspaceKey',
      'Local',
      'normalizeOrigin',
      'C',
      'E',
      'A',
      'B',
    ]);
    expect(exportedDeclarations(text)).toEqual(['BackspaceKey', 'normalizeOrigin', 'A', 'B']);
  });
});

describe('the shape reader', () => {
  const text = [
    "import { type Static, Type } from '@sinclair/typebox';",
    "const level = ['info', 'warn'] as const;",
    "const schema = Type.Object({ mode: oneOf(['none', 'token']), id: Type.String() });",
    'export type Raw = Static<typeof schema>;',
    "export type Mode = NonNullable<Raw['mode']>;",
    "export type Level = 'info' | 'warn' | 'error';",
    'export interface Target { id: string }',
    'type Listen = { host?: string };',
    "type Rule = { kind: 'cidr' } | Other;",
  ].join('\n');

  it('finds word lists and word unions', () => {
    expect(wordLists(text)).toEqual([
      ['info', 'warn'],
      ['none', 'token'],
    ]);
    expect(literalUnions(text)).toEqual([['info', 'warn', 'error']]);
  });

  it('tells derived types from shapes written by hand', () => {
    expect(handWrittenShapes(text)).toEqual([
      "Level: export type Level = 'info' | 'warn' | 'error';",
      'Target: export interface Target { id: string }',
      'Listen: type Listen = { host?: string };',
      "Rule: type Rule = { kind: 'cidr' } | Other;",
    ]);
    expect(typeAliasText(text, 'Raw')).toBe('Static<typeof schema>');
    expect(typeAliasText(text, 'Missing')).toBeUndefined();
  });
});
