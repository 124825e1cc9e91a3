import { Command } from 'commander';
import { OFFLINE_PLANS } from '../offline/plans';
import { runLocal } from '../offline/run';
import { byteSize, nonNegativeNumber, wholeNumber } from './options';
import type { Io } from './main';
import { MAX_SIZE_BYTES } from '../simulator/uploader';

interface RunOptions {
  local?: boolean;
  count: number;
  interval: number;
  size: number;
  keep?: boolean;
}

export function runCommand(io: Io): Command {
  return new Command('run')
    .description('a scenario end to end: deploy, simulate, deliver CloudTrail, answer the question, destroy')
    .argument('<scenario>', `scenario to run (${OFFLINE_PLANS.map((p) => p.scenario).join(', ')})`)
    .option('--local', 'on the local emulator (moto + the local AWS edge); required for now')
    .option('--count <n>', 'uploads or calls of the simulation', wholeNumber('--count', 1, 10_000), 30)
    .option('--interval <seconds>', 'seconds between uploads (compressed time by default)', nonNegativeNumber('--interval'), 0.1)
    .option('--size <bytes>', 'size of each upload, e.g. 16k', byteSize('--size', MAX_SIZE_BYTES), 16 * 1024)
    .option('--keep', 'leave the emulator and the stack up, print how to reach them, and wait for Ctrl-C')
    .action(async (scenario: string, options: RunOptions) => {
      if (!options.local) throw new Error('run needs --local: in AWS, deploy with `npx cdktf deploy`, then `cloudtrail-lab simulate` and `cloudtrail-lab query`');
      const controller = new AbortController();
      const onSigint = () => {
        io.err('interrupted: destroying the stack and stopping the emulator');
        controller.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const result = await runLocal({
          scenario,
          count: options.count,
          intervalMs: options.interval * 1000,
          sizeBytes: options.size,
          keep: options.keep,
          signal: controller.signal,
          env: io.env,
          log: (line) => io.err(line),
        });
        io.out(`answer: ${result.verdict.message}`);
        io.out(`timings (s): ${Object.entries(result.timings).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
        if (!result.verdict.ok) throw new Error('the logs do not give the answer the deployed configuration implies: the offline chain is broken');
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
