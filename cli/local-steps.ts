import { Command } from 'commander';
import { deployLocal, destroyLocal } from '../offline/session-steps';
import type { Io } from './main';

function needsLocal(command: string, scenario: string): Error {
  return new Error(`${command} needs --local (the emulator); in AWS, use \`npx cdktf ${command} ${scenario}\``);
}

/** `deploy <scenario> --local`: a background local session with the scenario applied, for the separate offline steps. */
export function deployCommand(io: Io): Command {
  return new Command('deploy')
    .description('deploy a scenario on the local emulator and leave it running for `simulate`, `query` and `destroy --local`')
    .argument('<scenario>', 'scenario to deploy')
    .option('--local', 'on the local emulator (moto + the local AWS edge), in a background session')
    .action(async (scenario: string, options: { local?: boolean }) => {
      if (!options.local) throw needsLocal('deploy', scenario);
      // Ctrl-C reaches Terraform too, which stops; the failed deploy then tears the half-made session down.
      const onSigint = () => io.err('interrupted: stopping Terraform, then removing the half-deployed session');
      process.on('SIGINT', onSigint);
      let info;
      try {
        info = await deployLocal({ scenario, env: io.env, log: (line) => io.err(line) });
      } finally {
        process.off('SIGINT', onSigint);
      }
      io.out(`${scenario} deployed locally: edge ${info.edgeEndpoint}, session process ${info.pid}`);
      io.out(`next: cloudtrail-lab simulate ${scenario} --local, then cloudtrail-lab query ${scenario} --local, then cloudtrail-lab destroy ${scenario} --local`);
    });
}

/** `destroy <scenario> --local`: destroys the stack and stops the background session. */
export function destroyCommand(io: Io): Command {
  return new Command('destroy')
    .description('destroy a scenario deployed with `deploy --local` and stop its background session')
    .argument('<scenario>', 'scenario to destroy')
    .option('--local', 'the local session (required; in AWS, use `npx cdktf destroy`)')
    .option('--save-logs <dir>', 'copy the delivered CloudTrail logs to this folder first')
    .action(async (scenario: string, options: { local?: boolean; saveLogs?: string }) => {
      if (!options.local) throw needsLocal('destroy', scenario);
      await destroyLocal({ scenario, env: io.env, log: (line) => io.err(line), saveLogs: options.saveLogs });
      io.out(`${scenario}: local session destroyed`);
    });
}
