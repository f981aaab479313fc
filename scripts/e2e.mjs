#!/usr/bin/env node
// `npm run test:e2e`: the browser specs in e2e/. It builds nothing (run `npm run build` first);
// e2e/global-setup.ts starts the built server on a free port with a fresh DATA_DIR and stops it.
// Extra arguments go to vitest, e.g. `npm run test:e2e -- e2e/phone.e2e.ts`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vitest = spawn(
  process.execPath,
  [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'e2e/vitest.config.ts', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
vitest.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
