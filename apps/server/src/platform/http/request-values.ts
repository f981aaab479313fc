import type { FastifyInstance } from 'fastify';

const CANONICAL_UUID = 'x-canonical-uuid';
const FINITE = 'x-finite';

interface DataContext {
  parentData?: Record<string | number, unknown>;
  parentDataProperty?: string | number;
}

/**
 * Two keywords for Fastify's validator (generic over its Ajv type: ajv is not our direct dependency).
 *
 * Ids are lower-case UUIDs wherever we write them, but the `uuid` format accepts either case. An
 * upper-case room id once matched on MariaDB (its collation ignores case), was stored under that
 * spelling and published to a topic nobody subscribed to. `x-canonical-uuid` rewrites the value to
 * lower case, so the code behind the route sees one spelling.
 *
 * `1e309` (in a query string or a JSON body) is Infinity, which Ajv's `integer` accepts and whose
 * `maximum` it skips; it reached MariaDB as `Infinity` and answered 500. `x-finite` refuses it.
 */
export function requestValueKeywords<A>(ajv: A): A {
  const add = (definition: object) => (ajv as { addKeyword(definition: object): unknown }).addKeyword(definition);
  add({
    keyword: CANONICAL_UUID,
    type: 'string',
    schemaType: 'boolean',
    modifying: true,
    errors: false,
    validate: (_on: boolean, value: string, _schema: unknown, data?: DataContext) => {
      if (data?.parentData && data.parentDataProperty !== undefined) data.parentData[data.parentDataProperty] = value.toLowerCase();
      return true;
    },
  });
  add({
    keyword: FINITE,
    // No `type: 'number'`: Ajv applies number keywords to finite numbers only, which is the point.
    schemaType: 'boolean',
    error: { message: 'must be a finite number' },
    validate: (_on: boolean, value: unknown) => typeof value !== 'number' || Number.isFinite(value),
  });
  return ajv;
}

/** Marks each route's request schemas (copies: reply schemas share the same objects) with the keywords above. */
export function installRequestValues(app: FastifyInstance) {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as Record<string, unknown> | undefined;
    if (!schema) return;
    for (const part of ['params', 'querystring', 'body']) if (schema[part]) schema[part] = marked(schema[part]);
  });
}

function marked(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(marked);
  if (!schema || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, marked(value)]));
  if (copy.type === 'string' && copy.format === 'uuid') copy[CANONICAL_UUID] = true;
  if (copy.type === 'integer' || copy.type === 'number') copy[FINITE] = true;
  return copy;
}
