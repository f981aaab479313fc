import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, publicConfig } from '../src/config.js';

describe('configuration', () => {
  it('runs on a bare machine with embedded defaults', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/studymate-config-test' });
    expect(config.database).toEqual({ kind: 'sqlite', file: '/tmp/studymate-config-test/studymate.db' });
    expect(config.redis).toBeNull();
    expect(config.storage).toEqual({ kind: 'local', dir: '/tmp/studymate-config-test/uploads' });
    expect(config.embedded).toBe(true);
    expect(config.auth.devSignIn).toBe(true);
    expect(config.port).toBe(8080);
    expect(config.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
    // The generated key is kept, so a restart keeps everyone signed in.
    expect(loadConfig({ DATA_DIR: '/tmp/studymate-config-test' }).auth.jwtSecret).toBe(config.auth.jwtSecret);
    // Nothing to translate with: the browser is told, so it offers no Translate button that would fail.
    expect(publicConfig(config).features).toEqual({ translation: false });
  });

  it('reports every bad variable at once, each by name', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'postgres://x',
        REDIS_URL: 'http://nope',
        JWT_SECRET: 'short',
        JWT_SECRET_PREVIOUS: 'short',
        NAVER_CLIENT_ID: 'only-id',
        LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'REDIS_URL', 'JWT_SECRET', 'JWT_SECRET_PREVIOUS', 'NAVER_CLIENT_ID', 'LOG_LEVEL'])
      expect(problems).toContain(name);
  });

  it('refuses dev sign-in in production, with a clear reason', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DEV_SIGN_IN: 'true', JWT_SECRET: 'x'.repeat(40) })).toThrow(
      /DEV_SIGN_IN: dev sign-in is refused when NODE_ENV=production/,
    );
    const prod = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), DATA_DIR: '/tmp/studymate-config-test' });
    expect(prod.auth.devSignIn).toBe(false);
    expect(publicConfig(prod).devSignIn).toBe(false);
  });

  it('turns dev sign-in off by default once MySQL or Redis is configured', () => {
    const config = loadConfig({
      DATABASE_URL: 'mysql://root@127.0.0.1/studymate',
      REDIS_URL: 'redis://127.0.0.1:6379',
      DATA_DIR: '/tmp/studymate-config-test',
    });
    expect(config.embedded).toBe(false);
    expect(config.auth.devSignIn).toBe(false);
    expect(
      loadConfig({ DATABASE_URL: 'mysql://root@127.0.0.1/studymate', DEV_SIGN_IN: 'true', DATA_DIR: '/tmp/studymate-config-test' }).auth
        .devSignIn,
    ).toBe(true);
  });

  it('requires a signing key and Redis for a production MySQL deployment', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'mysql://root@db/studymate' })).toThrow(/JWT_SECRET[\s\S]*REDIS_URL/);
  });
});
