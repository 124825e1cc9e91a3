import { Command } from 'commander';
import { SCENARIOS, STATE_BACKEND_STACK } from '../scenarios/registry';
import type { Io } from './main';

export function listCommand(io: Io): Command {
  return new Command('list').description('list the scenarios, one line each').action(() => {
    const width = Math.max(...SCENARIOS.map((s) => s.name.length));
    for (const scenario of SCENARIOS) io.out(`${scenario.name.padEnd(width)}  ${scenario.summary}`);
    io.err(`(also synthesized: ${STATE_BACKEND_STACK}, the optional S3 bucket for Terraform state)`);
  });
}
