import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Platform } from '../app.js';
import type { Config } from '../config.js';
import type { Database } from '../database.js';
import type { SessionRevocations } from '../platform/auth/revocation.js';
import type { SignedLinks } from '../platform/auth/signed-links.js';
import type { AccessTokens } from '../platform/auth/tokens.js';
import type { JobRunner } from '../platform/jobs/jobs.js';
import type { Readiness } from '../platform/observability/health.js';
import type { RealtimeGateway } from '../platform/realtime/gateway.js';
import type { DomainEvents } from './events.js';

/**
 * What app.ts hands every module's wiring function: the platform chosen once at start-up. A module
 * takes the services of other modules it needs as a second argument, so the order of the lines in
 * app.ts is the dependency order.
 */
export interface ModuleContext extends Platform {
  app: FastifyInstance;
  config: Config;
  tokens: AccessTokens;
  /** Ends access tokens and connections early (sign-out, account deletion), on every node. */
  revocations: SessionRevocations;
  /** Signs and checks the download links of a data export (each module's files, valid for a day). */
  links: SignedLinks;
  realtime: RealtimeGateway;
  jobs: JobRunner;
  /** Facts one module tells the others (catalogue: modules/events.ts), delivered durably after commit. */
  events: DomainEvents;
  /** Holds /health/ready while the module finishes what it must do before this node serves. */
  readiness: Readiness;
}

/** A module sees only the tables it owns (its repository's table types). */
export const ownTables = <Tables>(db: Kysely<Database>) => db as unknown as Kysely<Tables>;
