import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../server/src/http/routing/route.js';
import { conversationSchema, messageSchema } from '../../server/src/http/schemas/conversation.js';
import { memorySchema } from '../../server/src/http/schemas/memory.js';
import { recallResultSchema } from '../../server/src/http/schemas/recall.js';
import { sessionTokensSchema } from '../../server/src/http/schemas/session.js';
import { endUserSchema } from '../../server/src/http/schemas/user.js';

/**
 * Types cannot drift: each wire type the SDK declares is read with the
 * TypeScript compiler and compared with the JSON Schema the server's route
 * table answers with (the one OpenAPI is generated from and the server's
 * responses are checked against): the same fields, and a field the schema
 * may leave out is optional in the type.
 */

const sdkIndex = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const program = ts.createProgram([sdkIndex], {
  strict: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
  noEmit: true,
});
const checker = program.getTypeChecker();
const exported = checker.getExportsOfModule(
  checker.getSymbolAtLocation(program.getSourceFile(sdkIndex)!)!,
);

/** `name` or `name?` for each property of an exported SDK type. */
function sdkFields(name: string): string[] {
  const symbol = exported.find((s) => s.name === name);
  if (!symbol) throw new Error(`@parley/sdk does not export ${name}`);
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const type = checker.getDeclaredTypeOfSymbol(target);
  return checker
    .getPropertiesOfType(type)
    .map((p) => (p.flags & ts.SymbolFlags.Optional ? `${p.name}?` : p.name))
    .sort();
}

/** The same, from a route schema: required fields bare, the rest with `?`. */
function schemaFields(schema: JsonSchema): string[] {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.keys(schema.properties as object)
    .map((k) => (required.has(k) ? k : `${k}?`))
    .sort();
}

const PAIRS: Array<[string, JsonSchema]> = [
  ['Memory', memorySchema],
  ['Conversation', conversationSchema],
  ['Message', messageSchema],
  ['RecallResponse', recallResultSchema],
  ['SessionTokens', sessionTokensSchema],
  ['EndUser', endUserSchema],
];

describe('the SDK’s wire types match the server’s route schemas', () => {
  it.each(PAIRS)('%s', (name, schema) => {
    expect(sdkFields(name), `${name} in @parley/sdk vs the route schema`).toEqual(
      schemaFields(schema),
    );
  });

  it('compiles the SDK without errors (the comparison reads real types)', () => {
    const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.category === 1);
    expect(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });
});
