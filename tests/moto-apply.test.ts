import * as path from 'node:path';
import { synthesize } from '../deployment/synthesize';
import { readSettings } from '../deployment/settings';
import { EMULATOR_CREDENTIALS, MotoServer, motoAvailable, startMoto } from '../emulator/moto-server';
import { STATE_BACKEND_STACK, SCENARIOS } from '../scenarios/registry';
import { terraform } from '../terraform/terraform';
import { terraformMissing, terraformWorkspace } from './terraform-tier';

// Tier 3: every stack applies and destroys against moto_server. A stack that
// takes more than APPLY_TIMEOUT_MS is a failure: moto answers in milliseconds,
// so a long apply means Terraform is retrying an error.
const APPLY_TIMEOUT_MS = 150_000;
const STACKS = [...SCENARIOS.map((s) => s.name), STATE_BACKEND_STACK];

describe('apply and destroy against moto', () => {
  let moto: MotoServer | undefined;
  let skipReason: string | undefined;
  const workspace = terraformWorkspace('apply');

  beforeAll(async () => {
    skipReason = terraformMissing() ?? ((await motoAvailable()) ? undefined : 'python3 cannot import moto (pip install "moto[server]")');
    if (skipReason) {
      console.warn(`apply tier skipped: ${skipReason}`);
      return;
    }
    moto = await startMoto();
  }, 60_000);

  afterAll(async () => {
    await moto?.stop();
    workspace.cleanup();
  });

  it.each(STACKS)('%s applies and destroys', async (name) => {
    if (!moto) return;
    const [stack] = synthesize({
      settings: readSettings({ CTLAB_ENDPOINT: moto.endpoint, CTLAB_STATE_DIR: path.join(workspace.dir, 'state') }),
      outdir: path.join(workspace.dir, 'cdktf.out'),
      only: name,
    });
    const options = {
      cwd: stack.workingDirectory,
      env: { ...workspace.env, ...EMULATOR_CREDENTIALS, AWS_REGION: 'us-east-1' },
      timeoutMs: APPLY_TIMEOUT_MS,
    };
    await terraform(['init', '-no-color'], options);
    const applied = await terraform(['apply', '-auto-approve', '-no-color'], options);
    expect(applied.output).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
    const destroyed = await terraform(['destroy', '-auto-approve', '-no-color'], options);
    expect(destroyed.output).toMatch(/Destroy complete! Resources: \d+ destroyed/);
  }, 4 * APPLY_TIMEOUT_MS);
});
