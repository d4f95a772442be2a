// `npm test`: everything that guards quality, in three stages whose steps run side by side
// (most steps wait on processes, installs or the database as much as on the CPU, so on two
// cores this takes about a minute less than running them one after the other):
//
//   1. type-check, lint, build
//   2. package checks and size budgets (they read dist/)
//   3. unit, type-level, example, guide, CLI, database and browser tests (vitest), consumer
//      tests (the packed package installed into throwaway apps), API docs (typedoc)
//
// The first step of a stage streams its output; the others' output is printed after it, whole
// and under a header each. A stage with a failed step ends the run (after its other steps have
// ended) with exit code 1. The last lines give each step's time.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import process from 'node:process';

const stages = [
  ['typecheck', 'lint', 'build'],
  ['check:package', 'size'],
  ['test:unit', 'test:consumers', 'docs'],
];

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();
const times = [];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const printTimes = () => process.stdout.write(`\n${times.map(({ script, ms }) => `  ${script.padEnd(16)} ${seconds(ms)}`).join('\n')}\n`);

function runStep(script, live) {
  return new Promise((resolve) => {
    const begun = Date.now();
    const child = spawn(npm, ['run', '--silent', script], { stdio: live ? 'inherit' : ['ignore', 'pipe', 'pipe'], env: process.env });
    const output = [];
    if (!live) {
      child.stdout.on('data', (chunk) => output.push(chunk));
      child.stderr.on('data', (chunk) => output.push(chunk));
    }
    child.on('close', (code, signal) => {
      const ok = code === 0;
      times.push({ script, ms: Date.now() - begun });
      const print = () => {
        if (live) return;
        process.stdout.write(`\n── npm run ${script} ${ok ? '✔' : `✘ (${signal ?? `exit ${code}`})`} ${'─'.repeat(40)}\n`);
        process.stdout.write(Buffer.concat(output));
      };
      resolve({ ok, print });
    });
  });
}

for (const [index, stage] of stages.entries()) {
  process.stdout.write(`\n━━ stage ${index + 1}/${stages.length}: ${stage.join(', ')}\n`);
  const results = await Promise.all(stage.map((script, at) => runStep(script, at === 0)));
  for (const result of results) result.print();
  if (results.some((result) => !result.ok)) {
    const failed = stage.filter((_, at) => !results[at].ok);
    printTimes();
    process.stdout.write(`\n✘ npm test failed: ${failed.map((script) => `npm run ${script}`).join(', ')} (${seconds(Date.now() - started)})\n`);
    process.exit(1);
  }
}

printTimes();
process.stdout.write(`✔ npm test passed in ${seconds(Date.now() - started)}\n`);
