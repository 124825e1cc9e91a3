import * as path from 'node:path';
import { Command } from 'commander';
import { readSettings } from '../deployment/settings';
import { synthesize } from '../deployment/synthesize';
import { formatFinding } from '../modules/policy-checks/policy-checks';
import type { Io } from './main';

export function synthCommand(io: Io): Command {
  return new Command('synth')
    .description('synthesize Terraform JSON for every stack, or for one scenario, into cdktf.out/stacks/<name>/cdk.tf.json')
    .argument('[scenario]', 'one scenario (or state-backend); default: all stacks')
    .option('-o, --out <dir>', 'output folder', 'cdktf.out')
    .action((scenario: string | undefined, options: { out: string }) => {
      const started = Date.now();
      const settings = readSettings(io.env);
      const stacks = synthesize({ settings, outdir: options.out, only: scenario });
      for (const stack of stacks) {
        const file = path.join(stack.workingDirectory, 'cdk.tf.json');
        const shown = path.relative(process.cwd(), file);
        io.out(`${stack.name}: ${shown.startsWith('..') ? file : shown}`);
        for (const finding of stack.findings) io.err(`  ${finding.acknowledged ? 'acknowledged' : finding.severity}: ${formatFinding(finding)}`);
      }
      io.err(`synthesized ${stacks.length} stack(s) with prefix "${settings.prefix}" in ${Date.now() - started} ms`);
    });
}
