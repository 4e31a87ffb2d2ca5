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

/** Each array literal of two or more strings written in a module (`['telnet', 'raw']`), as its words. */
export function wordLists(text: string, fileName = 'x.ts'): string[][] {
  const lists: string[][] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isArrayLiteralExpression(node) &&
      node.elements.length > 1 &&
      node.elements.every((element) => ts.isStringLiteral(element))
    ) {
      lists.push(node.elements.map((element) => (element as ts.StringLiteral).text));
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, false));
  return lists;
}

/** Each union of two or more string literal types written in a module (`'a' | 'b'`), as its words. */
export function literalUnions(text: string, fileName = 'x.ts'): string[][] {
  const unions: string[][] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isUnionTypeNode(node)) {
      const words = node.types.flatMap((member) =>
        ts.isLiteralTypeNode(member) && ts.isStringLiteral(member.literal) ? [member.literal.text] : [],
      );
      if (words.length > 1) unions.push(words);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, false));
  return unions;
}

/**
 * Shapes a module writes out by hand: its interfaces, and its type aliases whose type spells an object
 * (`{ … }`) or a word (`'a'`) anywhere in it; each as `name: declaration`.
 */
export function handWrittenShapes(text: string, fileName = 'x.ts'): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, false);
  const spellsShape = (node: ts.Node): boolean =>
    ts.isTypeLiteralNode(node) ||
    (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) ||
    // `Raw['mode']` names a key of a derived type: only what it is indexed by can spell a shape.
    (ts.isIndexedAccessTypeNode(node)
      ? spellsShape(node.objectType)
      : (ts.forEachChild(node, spellsShape) ?? false));
  const shapes: string[] = [];
  for (const statement of source.statements) {
    if (
      ts.isInterfaceDeclaration(statement) ||
      (ts.isTypeAliasDeclaration(statement) && spellsShape(statement.type))
    ) {
      shapes.push(`${statement.name.text}: ${statement.getText(source).replace(/\s+/g, ' ')}`);
    }
  }
  return shapes;
}

/** The type a module gives an alias, as written (`Static<typeof configSchema>`), if it declares one. */
export function typeAliasText(text: string, name: string, fileName = 'x.ts'): string | undefined {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, false);
  for (const statement of source.statements) {
    if (ts.isTypeAliasDeclaration(statement) && statement.name.text === name) {
      return statement.type.getText(source);
    }
  }
  return undefined;
}
