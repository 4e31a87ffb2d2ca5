/**
 * The shared vocabulary (protocol names, end-of-line modes, Backspace keys, the origin normaliser …) must
 * be written once: every other module imports it. This finds the top-level declarations of the
 * workspace's sources by name, so a second definition of a shared name shows up wherever it is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** A top-level declaration: `file` relative to the root, `name` as declared. */
export interface Declaration {
  readonly file: string;
  readonly name: string;
}

/** Names a file declares at its top level (types, interfaces, functions, classes, enums, variables). */
export function topLevelDeclarations(text: string, fileName = 'x.ts'): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, false);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (
      (ts.isTypeAliasDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      names.push(statement.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) names.push(declaration.name.text);
      }
    }
  }
  return names;
}

/** Names exported by a module's own declarations (not its re-exports). */
export function exportedDeclarations(text: string, fileName = 'x.ts'): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, false);
  const exported = new Set<string>();
  for (const statement of source.statements) {
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
    if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const name of topLevelDeclarations(statement.getFullText(source), fileName)) exported.add(name);
  }
  return [...exported];
}

/** Each name of `vocabulary` declared in more than one module, with where. */
export function definedTwice(
  root: string,
  files: readonly string[],
  vocabulary: ReadonlySet<string>,
): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const file of files) {
    // A value and a type of one name in one module (`const Action = …; type Action = …`) are one definition.
    for (const name of new Set(topLevelDeclarations(readFileSync(join(root, file), 'utf8'), file))) {
      if (!vocabulary.has(name)) continue;
      where.set(name, [...(where.get(name) ?? []), file]);
    }
  }
  return new Map([...where].filter(([, places]) => places.length > 1));
}
