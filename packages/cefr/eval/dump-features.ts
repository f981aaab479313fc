// Calibration only: writes one JSON line of features per NICT interview, for fitting the anchors.
import { readNict } from './datasets.js';
import { computeFeatures } from '../src/features.js';
const file = process.argv[2] ?? '../shared/data/cefr/nict-jle-dev.tsv';
for (const iv of readNict(file)) {
  console.log(JSON.stringify({ id: iv.id, sst: iv.sst, tokens: iv.tokenCount, ...computeFeatures(iv.input) }));
}
