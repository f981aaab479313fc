import { Type, type TSchema } from '@sinclair/typebox';

/** A value or null: how a reply says "not set" (never an absent key). */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
