/**
 * Destination patterns such as `/sub/chat/rooms/{roomId}`: literal segments match exactly, a
 * `{name}` segment matches one non-empty segment. Nothing else (no wildcards, no prefixes), so a
 * destination either names exactly one registered pattern or none.
 */

export interface CompiledPattern {
  pattern: string;
  segments: Array<{ literal: string } | { param: string }>;
}

const PARAM = /^\{([A-Za-z][A-Za-z0-9]*)\}$/;
/** What a destination segment may contain: ids, slugs, names. No escapes to think about. */
const SEGMENT = /^[A-Za-z0-9._~-]+$/;

export function compilePattern(pattern: string): CompiledPattern {
  if (!pattern.startsWith('/') || pattern.endsWith('/')) throw new Error(`destination pattern ${pattern} must start and not end with /`);
  const names = new Set<string>();
  const segments = pattern
    .slice(1)
    .split('/')
    .map((segment) => {
      const param = PARAM.exec(segment);
      if (param) {
        if (names.has(param[1]!)) throw new Error(`destination pattern ${pattern} repeats {${param[1]}}`);
        names.add(param[1]!);
        return { param: param[1]! };
      }
      if (!SEGMENT.test(segment)) throw new Error(`destination pattern ${pattern} has an invalid segment "${segment}"`);
      return { literal: segment };
    });
  return { pattern, segments };
}

export function matchPattern(compiled: CompiledPattern, destination: string): Record<string, string> | null {
  if (!destination.startsWith('/')) return null;
  const parts = destination.slice(1).split('/');
  if (parts.length !== compiled.segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const segment = compiled.segments[i]!;
    if ('literal' in segment) {
      if (segment.literal !== part) return null;
    } else {
      if (!SEGMENT.test(part)) return null;
      params[segment.param] = part;
    }
  }
  return params;
}

/** Fills a pattern's `{name}` segments; refuses values that would change the destination's shape. */
export function fillPattern(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || !SEGMENT.test(value))
      throw new Error(`destination ${pattern}: parameter ${name} is missing or not a plain segment`);
    return value;
  });
}

/** Patterns that share a shape would make a destination ambiguous: refuse them at start-up. */
export function overlaps(a: CompiledPattern, b: CompiledPattern): boolean {
  if (a.segments.length !== b.segments.length) return false;
  return a.segments.every((segment, i) => {
    const other = b.segments[i]!;
    return !('literal' in segment && 'literal' in other) || segment.literal === other.literal;
  });
}

const UUID_ANYWHERE = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/g;
const UUID_WHOLE = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/**
 * Ids are lower-case UUIDs wherever we write them; MariaDB's collation matches either case, so an
 * upper-case room id in a destination once passed authorisation and subscribed to a topic nobody
 * publishes to. The gateway reads destinations (and SEND bodies, below) in this one spelling.
 */
export const canonicalDestination = (destination: string) =>
  /[A-F]/.test(destination) ? destination.replace(UUID_ANYWHERE, (id) => id.toLowerCase()) : destination;

/** Lower-cases every string in a parsed JSON body that is a whole UUID (ids it refers to). */
export function canonicalIds(value: unknown): unknown {
  if (typeof value === 'string') return UUID_WHOLE.test(value) ? value.toLowerCase() : value;
  if (Array.isArray(value)) return value.map(canonicalIds);
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) (value as Record<string, unknown>)[key] = canonicalIds(item);
  }
  return value;
}
