import type { CompiledQuery } from 'kysely';

/** The values of a shaped query, in the order its builder asked for stand-ins. */
export type ShapedQuery = (values: readonly unknown[]) => CompiledQuery;

/**
 * Kysely builds and compiles a query afresh on every call. For the few statements that run at
 * chat's message rate that was a tenth of the event loop, for SQL text that never changes. A
 * shape is built once with stand-ins in place of the values; each call then reuses its SQL and
 * puts the real values where the stand-ins were. Parameters that are not stand-ins stay as built.
 */
export function queryShape(build: (standIn: () => any) => CompiledQuery): ShapedQuery {
  const standIns = new Map<string, number>();
  const compiled = build(() => {
    const standIn = `\u0000stand-in ${standIns.size}\u0000`;
    standIns.set(standIn, standIns.size);
    return standIn;
  });
  const slots = compiled.parameters.map((p) => (typeof p === 'string' ? standIns.get(p) : undefined));
  // Every parameter a stand-in, in the order asked (a multi-row insert): the values are the parameters.
  const inOrder = slots.length === standIns.size && slots.every((slot, i) => slot === i);
  return (values) => {
    if (inOrder && values.length === slots.length) return { ...compiled, parameters: values };
    if (values.length !== standIns.size) throw new Error(`query shape takes ${standIns.size} values, got ${values.length}`);
    return { ...compiled, parameters: slots.map((slot, i) => (slot === undefined ? compiled.parameters[i] : values[slot])) };
  };
}

/** Shapes of a statement whose SQL depends on a size (rows in an INSERT, ids in an IN list), each compiled on first use. */
export function queryShapesBySize(build: (size: number, standIn: () => any) => CompiledQuery): (size: number) => ShapedQuery {
  const shapes = new Map<number, ShapedQuery>();
  return (size) => {
    let shape = shapes.get(size);
    if (!shape) shapes.set(size, (shape = queryShape((standIn) => build(size, standIn))));
    return shape;
  };
}
