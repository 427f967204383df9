import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { invalid } from '../errors/domain-error.js';

// Bodies: no coercion, unknown fields rejected by each schema's additionalProperties.
const bodyAjv = new Ajv.default({
  allErrors: true,
  coerceTypes: false,
  useDefaults: true,
  strict: true,
});
// Query strings arrive as strings: coerce to the schema's types.
const queryAjv = new Ajv.default({
  allErrors: true,
  coerceTypes: true,
  useDefaults: true,
  strict: true,
});
addFormats.default(bodyAjv);
addFormats.default(queryAjv);

const cache = new WeakMap<object, ValidateFunction>();

function compile(ajv: Ajv.default, schema: object): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  return fn;
}

export interface ValidationIssue {
  path: string;
  message: string;
}

function issues(errors: ErrorObject[] | null | undefined): ValidationIssue[] {
  return (errors ?? []).map((e) => {
    if (e.keyword === 'additionalProperties') {
      const prop = (e.params as { additionalProperty: string }).additionalProperty;
      return { path: `${e.instancePath}/${prop}`, message: 'unknown field' };
    }
    return { path: e.instancePath || '/', message: e.message ?? 'invalid' };
  });
}

/** Validates a JSON body against a schema; throws 400 with every problem listed. */
export function parseBody<T>(schema: object, body: unknown): T {
  const fn = compile(bodyAjv, schema);
  if (!fn(body)) throw invalid('Request body is invalid', issues(fn.errors));
  return body as T;
}

export function parseQuery<T>(schema: object, query: unknown): T {
  const copy = { ...(query as object) };
  // PostgreSQL refuses NUL in text: a query value carrying one is bad input, not a 500.
  const nul = Object.entries(copy).find(
    ([k, v]) => k.includes('\u0000') || String(v).includes('\u0000'),
  );
  if (nul) {
    const name = nul[0].replace(/\u0000/g, '\\u0000');
    throw invalid('Query parameters are invalid', [
      { path: `/${name}`, message: 'NUL characters (\\u0000) are not allowed' },
    ]);
  }
  const fn = compile(queryAjv, schema);
  if (!fn(copy)) throw invalid('Query parameters are invalid', issues(fn.errors));
  return copy as T;
}

/** Validates any value (tool arguments, settings) and returns the issues, no throw. */
export function check(schema: object, value: unknown): ValidationIssue[] {
  const fn = compile(bodyAjv, schema);
  return fn(value) ? [] : issues(fn.errors);
}
