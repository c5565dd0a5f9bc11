// The `huitong` command's entry (bin/huitong.js runs its compiled form, or this file through tsx).
import { CommanderError } from 'commander';
import { describeFailure } from './cli-errors.js';
import { buildProgram } from './program.js';

// A reader that stops early (`huitong config | head`) is not a failure.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

const io = { stdout: process.stdout, stderr: process.stderr, env: process.env };
const program = buildProgram(io, (code) => {
  process.exitCode = code;
});

try {
  await program.parseAsync(process.argv.slice(2), { from: 'user' });
} catch (error) {
  if (error instanceof CommanderError) {
    // Help asked for is a success; help shown because no command was given, or any parse error, is usage.
    process.exitCode = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
  } else {
    const failure = describeFailure(error);
    const lines = failure.message.split('\n').map((line) => `huitong: ${line}`);
    process.stderr.write(`${[...lines, ...(failure.hint ? [failure.hint] : [])].join('\n')}\n`);
    process.exitCode = failure.exitCode;
  }
}
