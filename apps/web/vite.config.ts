import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

const dist = path.resolve(import.meta.dirname, 'dist');
/** Source maps for reading production stack traces: kept beside the build, never served. */
const sourcemaps = path.resolve(import.meta.dirname, 'sourcemaps');
const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

/**
 * Production serving: every compressible file gets a brotli (.br) and gzip (.gz) twin at build
 * time, so the server sends them as they are (no compression per request), and the source maps
 * leave the served folder.
 */
function productionAssets(): Plugin {
  return {
    name: 'studymate-production-assets',
    apply: 'build',
    closeBundle() {
      rmSync(sourcemaps, { recursive: true, force: true });
      for (const file of filesUnder(dist)) {
        if (file.endsWith('.map')) {
          const target = path.join(sourcemaps, path.relative(dist, file));
          mkdirSync(path.dirname(target), { recursive: true });
          renameSync(file, target);
          continue;
        }
        if (!COMPRESSIBLE.test(file)) continue;
        const bytes = readFileSync(file);
        if (bytes.length < 1024) continue; // smaller than a packet: compression buys nothing
        writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
      }
    },
  };
}

// The server serves this build at `/` (SPA fallback), so the output stays in apps/web/dist.
export default defineConfig({
  plugins: [react(), tailwindcss(), productionAssets()],
  // 'hidden': maps are written (then moved to sourcemaps/) without a sourceMappingURL in the bundle.
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: 'hidden' },
  server: {
    port: 5173,
    // Same-origin in development too, so the refresh cookie (path /api/v1/auth) just works.
    proxy: { '/api': { target: 'http://localhost:8080', changeOrigin: false }, '/ws': { target: 'ws://localhost:8080', ws: true } },
  },
});
