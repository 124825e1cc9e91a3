import * as path from 'node:path';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Grantable } from '../iam/grantable';
import { Role } from '../iam/role';
import { statementId } from '../iam/statement-id';
import { LabStack } from '../lab-stack/lab-stack';
import { validateLogRetention } from '../logs/retention';
import { bundleHandler } from './bundle';

/** Where handler sources live: `lambda-src/<handler>/index.ts`. */
export const LAMBDA_SRC = path.resolve(__dirname, '..', '..', 'lambda-src');

export interface NodejsFunctionProps {
  /** Function name after the prefix and scenario: `<prefix>-<scenario>-<name>`. */
  readonly name: string;
  /** Handler folder under lambda-src, e.g. `kms-app`; its `index.ts` exports `handler`. */
  readonly handler: string;
  /** @default - "<name>, managed by cloudtrail-labs" */
  readonly description?: string;
  /** @default - no variables besides NODE_OPTIONS=--enable-source-maps */
  readonly environment?: Record<string, string>;
  /** Seconds, 1..900. @default 30 */
  readonly timeoutSeconds?: number;
  /** MiB, 128..10240. @default 256 */
  readonly memoryMiB?: number;
  /** @default - no reservation (the account's unreserved pool) */
  readonly reservedConcurrency?: number;
  /** Days the function's logs are kept. @default 30 */
  readonly logRetentionDays?: number;
  /**
   * Retries of a failed asynchronous invocation (0..2) before the event goes
   * to the failure queue.
   * @default 2
   */
  readonly asyncRetryAttempts?: number;
}

/**
 * A Node.js 20 Lambda function from a `lambda-src` handler, bundled by esbuild
 * at synth, with its own log group (retention set), its own least-privilege
 * role (it may only write its logs until granted more), and asynchronous
 * invocations that retry a bounded number of times and then land in an
 * encrypted SQS queue instead of being lost.
 *
 * @example
 * const app = new NodejsFunction(this, 'app', { name: 'lambda-app-1', handler: 'kms-app' });
 * key.grantGenerateDataKey(app.role);
 */
export class NodejsFunction extends Construct {
  public readonly function: LambdaFunction;
  public readonly functionName: string;
  public readonly functionArn: string;
  public readonly role: Role;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly failureQueue: SqsQueue;
  /** Size of the bundled index.js in bytes. */
  public readonly bundleBytes: number;
  /** Folder of the bundle (index.js and its map): what a local runtime runs. */
  public readonly bundleDir: string;
  /** `<prefix>-<scenario>-<name>`, known at synth. */
  public readonly physicalName: string;

  constructor(scope: Construct, id: string, props: NodejsFunctionProps) {
    super(scope, id);
    const stack = LabStack.of(this);
    validate(props);
    const name = stack.naming.name(props.name);
    if (name.length > 64) throw new Error(`Lambda function name "${name}" is ${name.length} characters; Lambda allows 64`);

    const bundle = bundleHandler(path.join(LAMBDA_SRC, props.handler, 'index.ts'));
    this.bundleBytes = bundle.bytes;
    this.bundleDir = bundle.dir;
    this.physicalName = name;
    const asset = new TerraformAsset(this, 'code', { path: bundle.dir, type: AssetType.ARCHIVE });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', { name: `/aws/lambda/${name}`, retentionInDays: props.logRetentionDays ?? 30 });
    this.failureQueue = new SqsQueue(this, 'failures', {
      name: `${name}-failures`,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 24 * 3600,
    });
    this.role = new Role(this, 'role', { name: props.name, assumedBy: 'lambda.amazonaws.com', description: `Runs the ${name} function` });
    this.role.addToPrincipalPolicy({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${this.logGroup.arn}:*`] });
    this.role.addToPrincipalPolicy({ sid: 'ReportFailedEvents', actions: ['sqs:SendMessage'], resources: [this.failureQueue.arn] });

    this.function = new LambdaFunction(this, 'function', {
      functionName: name,
      description: props.description ?? `${name}, managed by cloudtrail-labs`,
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: bundle.hash,
      role: this.role.roleArn,
      timeout: props.timeoutSeconds ?? 30,
      memorySize: props.memoryMiB ?? 256,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { variables: { NODE_OPTIONS: '--enable-source-maps', ...props.environment } },
      // The log group must exist first, or Lambda creates one that keeps logs forever.
      dependsOn: [this.logGroup],
    });
    this.functionName = this.function.functionName;
    this.functionArn = this.function.arn;

    new LambdaFunctionEventInvokeConfig(this, 'async', {
      functionName: this.function.functionName,
      maximumRetryAttempts: props.asyncRetryAttempts ?? 2,
      maximumEventAgeInSeconds: 3600,
      destinationConfig: { onFailure: { destination: this.failureQueue.arn } },
      // The role must be allowed to send to the queue before Lambda accepts the destination.
      dependsOn: [this.role.policy],
    });
  }

  /** `lambda:InvokeFunction` on this function. */
  public grantInvoke(grantee: Grantable): void {
    grantee.addToPrincipalPolicy({ sid: statementId('Invoke', this.node.id), actions: ['lambda:InvokeFunction'], resources: [this.functionArn] });
  }
}

function validate(props: NodejsFunctionProps): void {
  const { timeoutSeconds, memoryMiB, reservedConcurrency, logRetentionDays, asyncRetryAttempts } = props;
  if (timeoutSeconds !== undefined && (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 900)) {
    throw new Error(`timeoutSeconds must be a whole number from 1 to 900, got ${timeoutSeconds}`);
  }
  if (memoryMiB !== undefined && (!Number.isInteger(memoryMiB) || memoryMiB < 128 || memoryMiB > 10240)) {
    throw new Error(`memoryMiB must be a whole number from 128 to 10240, got ${memoryMiB}`);
  }
  if (reservedConcurrency !== undefined && (!Number.isInteger(reservedConcurrency) || reservedConcurrency < 0)) {
    throw new Error(`reservedConcurrency must be a whole number of 0 or more, got ${reservedConcurrency}`);
  }
  if (logRetentionDays !== undefined) validateLogRetention('logRetentionDays', logRetentionDays);
  if (asyncRetryAttempts !== undefined && ![0, 1, 2].includes(asyncRetryAttempts)) {
    throw new Error(`asyncRetryAttempts must be 0, 1 or 2 (Lambda's limit), got ${asyncRetryAttempts}`);
  }
  if (!/^[a-z0-9-]+$/.test(props.handler)) {
    throw new Error(`handler "${props.handler}" must be a folder name under lambda-src (lowercase letters, digits, hyphens)`);
  }
}
