// `npm run bench` lists the benchmarks with what each measures; `npm run bench -- NAME [ARGS]`
// runs one (e.g. `npm run bench -- recommendations mysql+redis`), with tsx for the TypeScript ones.
// Settings such as SECONDS or QUEUED pass through the environment. Build first: `npm run build`.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { root } from './lib.mjs';

const dir = path.join(root, 'bench');
// Helpers shared by the benchmarks, not benchmarks themselves.
const HELPERS = new Set(['lib.mjs', 'run.mjs', 'stomp-client.mjs']);
const benches = readdirSync(dir)
  .filter((f) => /\.(mjs|ts)$/.test(f) && !HELPERS.has(f))
  .sort()
  .map((file) => ({ name: file.replace(/\.(mjs|ts)$/, ''), file }));

/** The first sentence of a benchmark's opening comment, shortened to a line. */
function summary(source) {
  const comment = source
    .split('\n')
    .filter((line, i, lines) => lines.slice(0, i + 1).every((l) => l.startsWith('//')))
    .map((l) => l.replace(/^\/\/\s*/, ''))
    .join(' ');
  const sentence = comment.split(/(?<=\.)\s/)[0].trim();
  return sentence.length > 100 ? `${sentence.slice(0, 99)}…` : sentence;
}

const [name, ...args] = process.argv.slice(2);
if (!name) {
  for (const { name: n, file } of benches) {
    console.log(`${n.padEnd(20)} ${summary(readFileSync(path.join(dir, file), 'utf8'))}`);
  }
  console.log('\nnpm run bench -- NAME [ARGS]   (bench/README.md has each command and its latest figures)');
  process.exit(0);
}
const bench = benches.find((b) => b.name === name);
if (!bench) {
  console.error(`No benchmark named "${name}". Known: ${benches.map((b) => b.name).join(', ')}`);
  process.exit(2);
}
const flags = bench.file.endsWith('.ts') ? ['--import', 'tsx'] : [];
const run = spawnSync(process.execPath, [...flags, path.join(dir, bench.file), ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
