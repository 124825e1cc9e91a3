import * as path from 'node:path';
import { Command } from 'commander';
import { readSettings } from '../deployment/settings';
import { synthesize } from '../deployment/synthesize';
import { writeCliConfig } from '../terraform/cli-config';
import { terraform } from '../terraform/terraform';
import type { Io } from './main';

export function validateCommand(io: Io): Command {
  return new Command('validate')
    .description('synthesize every stack (or one) and check it with terraform init -backend=false and terraform validate')
    .argument('[scenario]', 'one scenario (or state-backend); default: all stacks')
    .option('-o, --out <dir>', 'output folder', 'cdktf.out')
    .action(async (scenario: string | undefined, options: { out: string }) => {
      const settings = readSettings(io.env);
      const stacks = synthesize({ settings, outdir: options.out, only: scenario });
      const config = writeCliConfig(path.resolve('.terraform-cli'), io.env);
      io.err(config.mirror ? `providers from the mirror ${config.mirror}` : 'no provider mirror found: providers come from the Terraform registry');
      const env = { ...io.env, TF_CLI_CONFIG_FILE: config.file };
      for (const [i, stack] of stacks.entries()) {
        const started = Date.now();
        const step = `[${i + 1}/${stacks.length}] ${stack.name}`;
        io.err(`${step}: terraform init`);
        await terraform(['init', '-backend=false', '-no-color'], { cwd: stack.workingDirectory, env, timeoutMs: 300_000 });
        io.err(`${step}: terraform validate`);
        await terraform(['validate', '-no-color'], { cwd: stack.workingDirectory, env, timeoutMs: 120_000 });
        io.out(`${stack.name}: valid (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }
    });
}
