// Bundles the server into dist/: our code and almost every dependency in one module, because
// resolving and loading hundreds of files from node_modules was half of the cold start. Kept
// outside: the native SQLite binding, Swagger UI (serves files from its package folder), and the
// drivers of production backends, which load only when configured (dynamic imports -> chunks).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

const external = ['better-sqlite3', '@fastify/swagger-ui', '@touch4it/ical-timezones', 'mysql2', 'ioredis', '@aws-sdk/client-s3'];

const here = new URL('.', import.meta.url).pathname;

rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });
await build({
  absWorkingDir: here,
  // The speech analysis runs in a worker thread, which loads its own entry (platform/speech/analysis.ts finds it).
  entryPoints: { main: 'src/main.ts', 'speech-analysis-worker': 'src/platform/speech/analysis-worker.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS packages still call require(); give the ES module one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: [...external, ...external.map((name) => `${name}/*`)],
  logLevel: 'warning',
});
