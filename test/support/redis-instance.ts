// One demo BFF instance in a child process (see spawnInstance): env as JSON in argv, its URL as JSON on stdout.
import { startTestDemo } from './demo.js';

const env = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
const instance = await startTestDemo({ env });
console.log(JSON.stringify({ url: instance.url }));
