import { synthesize } from '../deployment/synthesize';
import { readSettings } from '../deployment/settings';
import { stackNames } from '../scenarios/registry';
import { terraform } from '../terraform/terraform';
import { terraformMissing, terraformWorkspace } from './terraform-tier';

// Tier 2: every synthesized stack is valid Terraform for the pinned AWS provider.
const missing = terraformMissing();
if (missing) console.warn(`validate tier skipped: ${missing}`);
const describeIf = missing ? describe.skip : describe;

describeIf('terraform validate', () => {
  const workspace = terraformWorkspace('validate');
  const stacks = synthesize({
    settings: readSettings({ CTLAB_STATE_BUCKET: 'example-state-bucket' }),
    outdir: `${workspace.dir}/cdktf.out`,
  });
  afterAll(() => workspace.cleanup());

  it('synthesizes every stack', () => {
    expect(stacks.map((s) => s.name).sort()).toEqual(stackNames().sort());
  });

  it.each(stacks.map((s) => [s.name, s] as const))('%s passes init -backend=false and validate', async (_name, stack) => {
    const options = { cwd: stack.workingDirectory, env: workspace.env, timeoutMs: 120_000 };
    await terraform(['init', '-backend=false', '-no-color'], options);
    const result = await terraform(['validate', '-no-color'], options);
    expect(result.output).toContain('Success! The configuration is valid.');
  }, 180_000);
});
