#!/usr/bin/env node
import { UserError } from './cli/io.js';
import { main } from './cli/main.js';

// `crisis-playbook replay case.jsonl | head`: a closed pipe is not an error. Any other failure to
// write (a full disk, `> /dev/full`) is one line on stderr, not a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    if (stream === process.stdout) {
      try {
        process.stderr.write(`crisis-playbook: cannot write the output: ${error.code ?? error.message}\n`);
      } catch {
        // stderr cannot be written either: the exit code says it.
      }
    }
    process.exit(1);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const failedWrite = (error as NodeJS.ErrnoException | undefined)?.syscall === 'write' && code !== undefined;
    process.stderr.write(`crisis-playbook: ${failedWrite ? `cannot write the output: ${code}` : error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = error instanceof UserError ? error.exitCode : 1;
  },
);
