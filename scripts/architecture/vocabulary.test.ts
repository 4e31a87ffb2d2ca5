import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readImportGraph } from './import-graph.js';
import { definedTwice, exportedDeclarations, topLevelDeclarations } from './vocabulary.js';

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
  'packages/telnet-core/src/settings.ts',
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
