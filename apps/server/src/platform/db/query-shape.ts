import { CompiledQuery } from 'kysely';

/** The values of a shaped query, in the order its builder asked for stand-ins. */
export type ShapedQuery = (values: readonly unknown[]) => CompiledQuery;

/**
 * Kysely builds and compiles a query afresh on every call. For the few statements that run at
 * chat's message rate that was a tenth of the event loop, for SQL text that never changes. A
 * shape is built once with stand-ins in place of the values; each call then reuses its SQL and
 * puts the real values where the stand-ins were. Parameters that are not stand-ins stay as built.
 */
export function queryShape(build: (standIn: () => any) => CompiledQuery): ShapedQuery {
  const { sql, parameters, size } = compileWithStandIns(build);
  // Only the SQL text and where each value goes are kept: the operation tree the SQL was compiled
  // from, and the stand-ins, were most of a many-row shape (a 2,000-row insert holds 10,000 values).
  const template = CompiledQuery.raw(sql);
  // Every parameter a stand-in, in the order asked (a multi-row insert): the values are the parameters.
  return valuesInOrder({ parameters, size }) ? inOrder(template, size) : placed(template, parameters, size);
}

const valuesInOrder = ({ parameters, size }: { parameters: Parameter[]; size: number }) =>
  parameters.length === size && parameters.every((p, i) => p.slot === i);

/** Where a value goes: the stand-in it replaces, or a parameter the builder fixed. */
type Parameter = { slot: number; fixed?: never } | { slot: null; fixed: unknown };

function inOrder(template: CompiledQuery, size: number): ShapedQuery {
  return (values) => ({ ...template, parameters: checked(values, size) });
}

function placed(template: CompiledQuery, parameters: Parameter[], size: number): ShapedQuery {
  return (values) => {
    checked(values, size);
    return { ...template, parameters: parameters.map((p) => (p.slot === null ? p.fixed : values[p.slot])) };
  };
}

function checked(values: readonly unknown[], size: number) {
  if (values.length !== size) throw new Error(`query shape takes ${size} values, got ${values.length}`);
  return values;
}

/** The query compiled with stand-ins in place of the values it will take. */
function compileWithStandIns(build: (standIn: () => any) => CompiledQuery) {
  const standIns = new Map<string, number>();
  const compiled = build(() => {
    const standIn = `\u0000stand-in ${standIns.size}\u0000`;
    standIns.set(standIn, standIns.size);
    return standIn;
  });
  const parameters = compiled.parameters.map((p): Parameter => {
    const slot = typeof p === 'string' ? standIns.get(p) : undefined;
    return slot === undefined ? { slot: null, fixed: p } : { slot };
  });
  return { sql: compiled.sql, parameters, size: standIns.size };
}

/**
 * Shapes of a statement whose SQL depends on a size (rows in an INSERT, ids in an IN list). When
 * the SQL grows by one repeated piece per item and takes its values in order, as a multi-row
 * insert or an IN list does, the SQL for any size is that piece repeated: nothing is compiled or
 * kept per size (a writer whose batches range up to 2,000 rows would otherwise hold a shape for
 * every size it met). Any other statement gets a shape per size, compiled on first use.
 */
export function queryShapesBySize(build: (size: number, standIn: () => any) => CompiledQuery): (size: number) => ShapedQuery {
  const repeated = repeatingShape(build);
  if (repeated) return repeated;
  const shapes = new Map<number, ShapedQuery>();
  return (size) => {
    let shape = shapes.get(size);
    if (!shape) shapes.set(size, (shape = queryShape((standIn) => build(size, standIn))));
    return shape;
  };
}

/**
 * The SQL for one and two items, as `head + piece + tail` and `head + piece + repeat + piece + tail`
 * with values in order; null when the statement is not like that, checked against three and
 * seven items compiled.
 */
function repeatingShape(build: (size: number, standIn: () => any) => CompiledQuery): ((size: number) => ShapedQuery) | null {
  const sizes = [1, 2, 3, 7];
  const compiled = sizes.map((size) => compileWithStandIns((standIn) => build(size, standIn)));
  const perItem = compiled[0]!.size;
  if (!compiled.every((c, i) => c.size === perItem * sizes[i]! && valuesInOrder(c))) return null;
  const [one, two] = [compiled[0]!.sql, compiled[1]!.sql];
  let shared = 0;
  while (shared < one.length && one[shared] === two[shared]) shared++;
  const growth = two.length - one.length;
  const head = one.slice(0, shared);
  const repeat = two.slice(shared, shared + growth);
  const tail = one.slice(shared);
  const sqlFor = (size: number) => head + repeat.repeat(size - 1) + tail;
  if (growth <= 0 || sqlFor(2) !== two || sqlFor(3) !== compiled[2]!.sql || sqlFor(7) !== compiled[3]!.sql) return null;
  return (size) => inOrder(CompiledQuery.raw(sqlFor(size)), perItem * size);
}
