import { Type, type IntegerOptions, type TSchema } from '@sinclair/typebox';

/** A value or null: how a reply says "not set" (never an absent key). */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** An id: a UUID, which the server reads in lower case whatever case it was sent in. */
export const Uuid = Type.String({ format: 'uuid' });

/**
 * An integer a client sends (cursor, seq). Bounded to what a double holds exactly: `1e309` in a
 * query string is Infinity, which passes `integer` and once reached MariaDB as `Infinity` (a 500).
 */
export const ClientInteger = (options: IntegerOptions = {}) => Type.Integer({ maximum: Number.MAX_SAFE_INTEGER, ...options });

/**
 * A person's name as others see it; empty once the account is deleted, and the app then writes
 * "Deleted user" in the reader's language (no server words in one language).
 */
export const PersonName = Type.String({ description: 'empty once the account is deleted' });
