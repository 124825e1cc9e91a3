import { Command, CommanderError } from 'commander';
import { cleanupCommand } from './cleanup';
import { listCommand } from './list';
import { deployCommand, destroyCommand } from './local-steps';
import { logsCommand } from './logs';
import { lookupCommand } from './lookup';
import { queryCommand } from './query';
import { runCommand } from './run';
import { simulateCommand } from './simulate';
import { synthCommand } from './synth';
import { validateCommand } from './validate';
import { verifyLogsCommand } from './verify-logs';

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};

export function buildProgram(io: Io): Command {
  const program = new Command('cloudtrail-lab')
    .description('Security labs for AWS CloudTrail, KMS and Athena: deploy, investigate, clean up.')
    .showHelpAfterError('(run cloudtrail-lab --help for the commands)')
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();
  program.addCommand(listCommand(io));
  program.addCommand(synthCommand(io));
  program.addCommand(validateCommand(io));
  program.addCommand(simulateCommand(io));
  program.addCommand(queryCommand(io));
  program.addCommand(logsCommand(io));
  program.addCommand(lookupCommand(io));
  program.addCommand(verifyLogsCommand(io));
  program.addCommand(runCommand(io));
  program.addCommand(deployCommand(io));
  program.addCommand(destroyCommand(io));
  program.addCommand(cleanupCommand(io));
  // addCommand does not pass these on: without them a bad option value of a subcommand would exit the process.
  const settle = (command: Command): void => {
    for (const sub of command.commands) {
      sub.exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
      settle(sub);
    }
  };
  settle(program);
  return program;
}

/** Runs the CLI; resolves to the exit code. Errors are printed, never thrown past here. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.err(`cloudtrail-lab: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
