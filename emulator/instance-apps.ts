import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, IAMClient } from '@aws-sdk/client-iam';
import { IdentityRegistry } from './edge/identities';
import { directMotoConfig, freePort, stopProcess } from './moto-server';

/** An app to run as if on an EC2 instance that Terraform launched in the emulator. */
export interface InstanceAppSpec {
  readonly instanceId: string;
  /** The app's entry file (an esbuild bundle), run with `node`. */
  readonly entry: string;
  /** The app's environment, as its instance's user data sets it. */
  readonly env: Record<string, string>;
}

export interface RunningInstanceApp {
  readonly instanceId: string;
  /** Where the app answers, on loopback. */
  readonly url: string;
  /** The instance profile's role: the app's calls are recorded as its session named after the instance. */
  readonly roleName: string;
}

export interface InstanceAppsOptions {
  readonly motoEndpoint: string;
  /** Where the app's SDK calls go: the edge, so they are recorded with the instance role's identity. */
  readonly edgeEndpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly identities: IdentityRegistry;
  readonly onLog?: (line: string) => void;
}

/**
 * Runs an instance's app locally, as EC2 would run it: moto launches no
 * machines, so the app runs as a Node process whose SDK calls carry the
 * instance role's credentials (an `AssumedRole` session named after the
 * instance id, as IMDS hands out). The role is read from the instance's
 * profile in moto, so a stack without one gives the app no identity.
 */
export class InstanceApps {
  private readonly running = new Map<string, { app: RunningInstanceApp; child: ChildProcess }>();
  private readonly ec2: EC2Client;
  private readonly iam: IAMClient;

  constructor(private readonly options: InstanceAppsOptions) {
    const config = directMotoConfig(options.motoEndpoint, options.region, 'AKIALOCALINSTANCES01');
    this.ec2 = new EC2Client(config);
    this.iam = new IAMClient(config);
  }

  private async roleOf(instanceId: string): Promise<string> {
    const found = await this.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })).catch((error: Error) => {
      throw new Error(`instance ${instanceId} is not in the emulator (${error.message}): deploy the stack first`);
    });
    const instance = found.Reservations?.[0]?.Instances?.[0];
    if (!instance) throw new Error(`instance ${instanceId} is not in the emulator: deploy the stack first`);
    if (instance.State?.Name !== 'running') throw new Error(`instance ${instanceId} is ${instance.State?.Name}, not running`);
    const profileArn = instance.IamInstanceProfile?.Arn;
    if (!profileArn) throw new Error(`instance ${instanceId} has no instance profile: its app would have no AWS identity`);
    const profile = await this.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: profileArn.split('/').pop() }));
    const role = profile.InstanceProfile?.Roles?.[0]?.RoleName;
    if (!role) throw new Error(`instance profile ${profileArn} has no role: the app would have no AWS identity`);
    return role;
  }

  /** Starts the app (once per instance) and resolves when it answers HTTP. */
  async start(spec: InstanceAppSpec, timeoutMs = 20_000): Promise<RunningInstanceApp> {
    const existing = this.running.get(spec.instanceId);
    if (existing && existing.child.exitCode === null) return existing.app;
    const roleName = await this.roleOf(spec.instanceId);
    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    this.options.identities.register(accessKeyId, { type: 'AssumedRole', roleName, sessionName: spec.instanceId, accountId: this.options.accountId, roleId: `AROA${randomBytes(6).toString('hex').toUpperCase()}` });
    const port = await freePort();
    const child = spawn(process.execPath, [spec.entry], {
      env: {
        PATH: process.env.PATH,
        ...spec.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        AWS_REGION: this.options.region,
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: randomBytes(16).toString('hex'),
        AWS_ENDPOINT_URL: this.options.edgeEndpoint,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const take = (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
      for (const line of d.toString().trim().split('\n')) this.options.onLog?.(`[${spec.instanceId}] ${line}`);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    const app: RunningInstanceApp = { instanceId: spec.instanceId, url: `http://127.0.0.1:${port}`, roleName };
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the app of ${spec.instanceId} exited (${child.exitCode}) while starting:\n${output}`);
      const up = await fetch(`${app.url}/`, { signal: AbortSignal.timeout(1000) }).then(() => true, () => false);
      if (up) {
        this.running.set(spec.instanceId, { app, child });
        return app;
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    child.kill('SIGKILL');
    throw new Error(`the app of ${spec.instanceId} did not answer on ${app.url} within ${timeoutMs / 1000} s:\n${output}`);
  }

  /** Stops every app. */
  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map(({ child }) => stopProcess(child)));
    this.running.clear();
  }
}
