// Calibration only (reads ../shared/data): prints the median SUBTLEX rank of the CEFR-J and
// Octanove headwords at each level, the figures kept as LEVEL_MEDIAN_RANK in src/lexicon.ts.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { frequencyRank } from '../src/lexicon.js';

const dataDir = resolve(process.argv[2] ?? '../shared/data/cefr');
const levels = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'];
const byLevel: number[][] = levels.map(() => []);
for (const file of ['cefrj-vocabulary-profile-1.5.csv', 'octanove-vocabulary-profile-c1c2-1.0.csv']) {
  const lines = readFileSync(resolve(dataDir, file), 'utf8').split('\n').slice(1);
  for (const line of lines) {
    const cols = line.split(',');
    const level = levels.indexOf((cols[2] ?? '').trim());
    if (level < 0) continue;
    for (const headword of (cols[0] ?? '').split('/')) {
      if (!/^[a-z]+$/i.test(headword)) continue;
      const rank = frequencyRank(headword);
      if (rank !== undefined) byLevel[level]?.push(rank);
    }
  }
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
console.log(JSON.stringify({ medians: byLevel.map(median), counts: byLevel.map((x) => x.length) }));
