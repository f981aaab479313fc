// A server node in a process of its own, so the recogniser test can kill it with SIGKILL while
// pocketsphinx is working on an answer: a real crash, with no chance to clean anything up.
import { startAppOn } from './helpers.js';

const started = await startAppOn(JSON.parse(process.env.SERVER_ENV_JSON!));
process.stdout.write(`listening ${started.url}\n`);
