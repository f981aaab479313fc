// Starts one supervised command and then waits to be killed, printing the command's pid.
import { runSupervised } from '../../src/platform/speech/supervised.js';

const [command, ...args] = process.argv.slice(2);
const run = runSupervised(command!, args, { limitMs: 600_000 });
run.done.catch(() => undefined);
process.stdout.write(`started ${run.pid}\n`);
setInterval(() => undefined, 1000);
