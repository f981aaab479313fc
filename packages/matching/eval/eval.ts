// Offline evaluation of the matching engine on reciprocal-decision data; prints one JSON line.
//   npm run eval:matching -- ../shared/data/matching/speed-dating-dev.csv [--seeds 10-39]
// The protocol is seeds 0-9 (the default); other seeds check a change on other splits.
import { readFileSync } from 'node:fs';
import { evaluate } from './evaluate.js';

const [file, flag, range] = process.argv.slice(2);
const bounds = flag === '--seeds' ? /^(\d+)-(\d+)$/.exec(range ?? '') : null;
if (!file || (flag !== undefined && !bounds)) {
  console.error('usage: npm run eval:matching -- FILE [--seeds FROM-TO] (e.g. ../shared/data/matching/speed-dating-dev.csv)');
  process.exit(2);
}
const [from, to] = bounds ? [Number(bounds[1]), Number(bounds[2])] : [0, 9];
const seeds = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const result = evaluate(readFileSync(file, 'utf8'), seeds);
console.log(JSON.stringify({ eval: 'matching', file, protocol: `half of each wave by pair, seeds ${from}-${to}`, ...result }));
