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

// The stacks run concurrently against one moto: most of an apply is the provider waiting.
describe('apply and destroy against moto', () => {
  const workspace = terraformWorkspace('apply');
  let started: Promise<MotoServer | undefined> | undefined;
  // Concurrent tests start before beforeAll hooks finish, so each one awaits this instead.
  const motoServer = () =>
    (started ??= (async () => {
      const skipReason = terraformMissing() ?? ((await motoAvailable()) ? undefined : 'python3 cannot import moto (pip install "moto[server]")');
      if (skipReason) {
        console.warn(`apply tier skipped: ${skipReason}`);
        return undefined;
      }
      return startMoto();
    })());

  afterAll(async () => {
    await (await motoServer())?.stop();
    workspace.cleanup();
  });

  let initQueue: Promise<void> = Promise.resolve();

  it.concurrent.each(STACKS)('%s applies and destroys', async (name) => {
    const moto = await motoServer();
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
    // terraform init is not safe to run concurrently on one plugin cache: one at a time.
    const init = initQueue.catch(() => undefined).then(() => terraform(['init', '-no-color'], options));
    initQueue = init.then(() => undefined);
    await init;
    const applied = await terraform(['apply', '-auto-approve', '-no-color'], options);
    expect(applied.output).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
    const destroyed = await terraform(['destroy', '-auto-approve', '-no-color'], options);
    expect(destroyed.output).toMatch(/Destroy complete! Resources: \d+ destroyed/);
  }, 4 * APPLY_TIMEOUT_MS);
});
