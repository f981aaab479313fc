import { FormatRegistry, TypeRegistry } from '@sinclair/typebox';

/**
 * What TypeBox's own checker (`Value.Check`) must know to check our schemas: the string formats
 * they use, and the `enum` kind `literalUnion` builds. HTTP bodies are checked by Fastify's Ajv,
 * which knows both; STOMP bodies and the web app's forms are checked with TypeBox, so both call this.
 */
export function registerFormats() {
  const formats: Record<string, (value: string) => boolean> = {
    uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
    email: (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
    'date-time': (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  };
  for (const [name, check] of Object.entries(formats)) if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check);
  if (!TypeRegistry.Has('Unsafe')) {
    TypeRegistry.Set<{ enum?: unknown[] }>('Unsafe', (schema, value) => (Array.isArray(schema.enum) ? schema.enum.includes(value) : true));
  }
}
