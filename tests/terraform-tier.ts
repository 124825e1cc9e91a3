import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { writeCliConfig } from '../terraform/cli-config';

/**
 * Why the Terraform tiers cannot run here, or undefined when they can. With
 * CTLAB_REQUIRE_EMULATOR=1 (CI sets it), a missing Terraform is an error
 * instead of a skipped tier.
 */
export function terraformMissing(): string | undefined {
  const probe = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (!probe.error) return undefined;
  const reason = `terraform is not on PATH (${probe.error.message})`;
  if (process.env.CTLAB_REQUIRE_EMULATOR === '1') throw new Error(`${reason}, and CTLAB_REQUIRE_EMULATOR=1 says the Terraform tiers must run`);
  return reason;
}

/** A scratch folder removed by `cleanup`, and an environment with our Terraform CLI config. */
export function terraformWorkspace(name: string): { dir: string; env: NodeJS.ProcessEnv; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ctlab-${name}-`));
  const config = writeCliConfig(path.join(dir, 'terraform-cli'));
  return {
    dir,
    env: { ...process.env, TF_CLI_CONFIG_FILE: config.file },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
