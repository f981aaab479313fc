// Cold start of the built server to ready (GET /health/ready = 200), embedded backends, fresh
// data folder each time (so migrations run too). Budget: under 2 s.
import { percentile, round, startServer } from './lib.mjs';

const runs = Number(process.env.RUNS ?? 5);
const times = [];
for (let i = 0; i < runs; i++) {
  const server = await startServer();
  times.push(server.readyMs);
  await server.stop();
}
times.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    bench: 'cold-start',
    backend: 'embedded',
    runs,
    min_ms: round(times[0]),
    median_ms: round(percentile(times, 50)),
    max_ms: round(times.at(-1)),
    budget_ms: 2000,
    ok: times.at(-1) < 2000,
  }),
);
