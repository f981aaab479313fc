// Offline evaluation of the matching engine on reciprocal-decision data; prints one JSON line.
//   npm run eval:matching -- ../shared/data/matching/speed-dating-dev.csv
import { readFileSync } from 'node:fs';
import { evaluate } from './evaluate.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run eval:matching -- FILE (e.g. ../shared/data/matching/speed-dating-dev.csv)');
  process.exit(2);
}
const result = evaluate(readFileSync(file, 'utf8'));
console.log(JSON.stringify({ eval: 'matching', file, protocol: 'half of each wave by pair, seeds 0-9', ...result }));
