import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { connectStomp, type StompSession } from '../realtime/harness.js';
import { startApp, type TestApp } from './app.js';
import type { Backend } from './backends.js';

export interface TwoNodes {
  t: TestApp;
  /** The second node's base URL; the first node's own on the embedded backend (one process, nothing to share). */
  otherUrl: string;
  /** A STOMP connection to a node's /ws, closed with the nodes. */
  connect(url: string, token: string): Promise<StompSession>;
  close(): Promise<void>;
}

/** The app, plus on the production backends a second node sharing its database, Redis bus and cache. */
export async function startTwoNodes(backend: Backend, env: Record<string, string> = {}): Promise<TwoNodes> {
  const t = await startApp(backend, env);
  let other: FastifyInstance | null = null;
  if (backend.name === 'mysql+redis') {
    other = await buildApp(t.config);
    await other.listen({ host: '127.0.0.1', port: 0 });
  }
  const sessions: StompSession[] = [];
  return {
    t,
    otherUrl: other ? `http://127.0.0.1:${(other.server.address() as { port: number }).port}` : t.url,
    async connect(url, token) {
      const s = await connectStomp(`${url.replace('http', 'ws')}/ws`, { Authorization: `Bearer ${token}` });
      sessions.push(s);
      return s;
    },
    async close() {
      await Promise.allSettled(sessions.map((s) => s.disconnect()));
      await other?.close();
      await t.close();
    },
  };
}
