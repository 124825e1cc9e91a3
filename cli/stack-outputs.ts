import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeCliConfig } from '../terraform/cli-config';
import { terraform } from '../terraform/terraform';

/**
 * One output of a deployed stack, read with `terraform output` in its
 * synthesized folder. Fails with what to do when the stack is not deployed.
 */
export async function readStackOutput(stackName: string, output: string, env: NodeJS.ProcessEnv, option: string, outdir = 'cdktf.out'): Promise<string> {
  const dir = path.resolve(outdir, 'stacks', stackName);
  const hint = `deploy it first (npx cdktf deploy ${stackName}), or give ${option}`;
  if (!fs.existsSync(path.join(dir, 'cdk.tf.json'))) throw new Error(`${stackName} is not synthesized in ${outdir}: ${hint}`);
  const config = writeCliConfig(path.resolve('.terraform-cli'), env);
  try {
    const result = await terraform(['output', '-raw', output], { cwd: dir, env: { ...env, TF_CLI_CONFIG_FILE: config.file }, timeoutMs: 60_000 });
    const value = result.stdout.trim();
    if (value === '') throw new Error('empty');
    return value;
  } catch (error) {
    const cause = (error as Error).message.split('\n').filter(Boolean).slice(-3).join(' ');
    throw new Error(`could not read output "${output}" of ${stackName} (${cause}): ${hint}`);
  }
}
