/**
 * `npm run under-load -- [N] [--warmup=S] -- <command...>`: runs a command beside N busy loops (default 8, each a
 * `node -e 'for(;;){}'` at normal priority), the load check of issue 15 (`npm test` at load average ~10 on 2 CPUs):
 *
 *   npm run under-load -- 8 -- npm test
 *
 * The loops start first and run `--warmup` seconds (default 30) so the 1-minute load average has climbed before the
 * command starts. Prints the load average (/proc/loadavg) before the loops, when the command starts and when it
 * ends, the highest 1-minute figure sampled every 5 s, the command's duration and its exit code, and exits with the
 * command's code. The loops are stopped by their own PIDs whatever way this script ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const split = args.indexOf('--');
const own = split === -1 ? [] : args.slice(0, split);
const command = split === -1 ? args : args.slice(split + 1);
const loops = Number(own.find((a) => /^\d+$/.test(a)) ?? 8);
const warmupS = Number(own.find((a) => a.startsWith('--warmup='))?.slice('--warmup='.length) ?? 30);
if (command.length === 0 || !Number.isInteger(loops) || loops < 0 || !(warmupS >= 0)) {
  console.error('usage: npm run under-load -- [N busy loops, default 8] [--warmup=seconds, default 30] -- <command...>');
  process.exit(2);
}

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const say = (line: string) => console.log(`[under-load ${new Date().toISOString().slice(11, 19)}] ${line}`);

const busy: ChildProcess[] = [];
const stopLoops = () => {
  for (const loop of busy) if (loop.exitCode === null && loop.signalCode === null) loop.kill('SIGKILL');
};
process.on('exit', stopLoops);

say(`load average before: ${loadavg()}; starting ${loops} busy loops`);
// Each loop also ends itself once this script is gone (reparented), so a killed run leaves no loop behind.
const LOOP = `const parent = ${process.pid}; for (let i = 0; ; i++) if ((i & 0xfffffff) === 0 && process.ppid !== parent) process.exit();`;
for (let i = 0; i < loops; i++) busy.push(spawn(process.execPath, ['-e', LOOP], { stdio: 'ignore' }));
say(`busy loop PIDs: ${busy.map((b) => b.pid).join(' ')}`);

let peak = 0;
const sample = setInterval(() => { peak = Math.max(peak, Number(loadavg().split(' ')[0])); }, 5_000);

const running: { child?: ChildProcess } = {};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    running.child?.kill(signal);
    stopLoops();
    process.exit(130);
  });
}

await new Promise((resolve) => setTimeout(resolve, warmupS * 1_000));
say(`load average at start: ${loadavg()} (after ${warmupS} s of busy loops); running: ${command.join(' ')}`);
const started = performance.now();
const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit' });
running.child = child;
const code: number = await new Promise((resolve) => {
  child.on('exit', (status, signal) => resolve(status ?? (signal ? 128 : 1)));
  child.on('error', (err) => { console.error(err); resolve(127); });
});
const seconds = Math.round((performance.now() - started) / 1000);
clearInterval(sample);
peak = Math.max(peak, Number(loadavg().split(' ')[0]));
say(`load average at end: ${loadavg()}; highest 1-minute load average: ${peak.toFixed(2)}`);
say(`${command.join(' ')} exited ${code} after ${Math.floor(seconds / 60)} min ${seconds % 60} s beside ${loops} busy loops`);
stopLoops();
process.exit(code);
