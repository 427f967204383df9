import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Tool schemas come from plugins, tenants and MCP servers, which use
 * keywords ajv's strict mode rejects (`examples`, vendor extensions), so this
 * instance is lenient about the schema and strict about the arguments.
 */
const ajv = new Ajv.default({
  allErrors: true,
  strict: false,
  coerceTypes: false,
  useDefaults: true,
});
addFormats.default(ajv);

const cache = new WeakMap<object, ValidateFunction>();

/** Compiles (once) a JSON Schema; throws a readable error when it is not one. */
export function compileSchema(schema: object, what = 'schema'): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    try {
      fn = ajv.compile(schema);
    } catch (err) {
      throw new TypeError(`Invalid JSON Schema for ${what}: ${(err as Error).message}`);
    }
    cache.set(schema, fn);
  }
  return fn;
}

/** Problems with `value`, one line each, phrased for a model to fix and retry. */
export function schemaProblems(schema: object, value: unknown): string[] {
  const fn = compileSchema(schema);
  if (fn(value)) return [];
  return (fn.errors ?? []).map((e) => {
    const at = e.instancePath || '(root)';
    if (e.keyword === 'additionalProperties') {
      return `${at}: unknown property "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    }
    return `${at}: ${e.message ?? 'is invalid'}`;
  });
}
