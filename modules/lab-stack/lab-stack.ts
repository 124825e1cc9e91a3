import * as path from 'node:path';
import { Aspects, LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider, AwsProviderEndpoints } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DeploymentSettings, validateSettings } from '../../deployment/settings';
import { Naming } from '../../deployment/naming';
import { PolicyChecks } from '../policy-checks/policy-checks';

export const PROJECT_TAG = 'cloudtrail-labs';

/** Every AWS service a lab stack may call, pointed at one endpoint in local mode. */
const LOCAL_ENDPOINT_SERVICES: (keyof AwsProviderEndpoints)[] = [
  'athena', 'cloudtrail', 'cloudwatchlogs', 'ec2', 'eventbridge', 'glue', 'iam', 'kms',
  'lambda', 's3', 'sns', 'sqs', 'ssm', 'sts',
];

export interface LabStackProps {
  /** Where and under which prefix the stack deploys. */
  readonly settings: DeploymentSettings;
  /** One line saying what the stack is, kept on the stack for tools that list stacks. */
  readonly description: string;
  /**
   * Use the S3 state backend when settings name a state bucket.
   * @default true (the state-backend stack itself sets false: it creates that bucket)
   */
  readonly allowRemoteState?: boolean;
}

/**
 * The base of every stack in the project: the AWS provider with the project's
 * default tags (`Project`, `Scenario`, `ManagedBy`, `Prefix`), the state
 * backend, names that carry the deployment prefix, and the policy checks.
 */
export class LabStack extends TerraformStack {
  public readonly settings: DeploymentSettings;
  public readonly naming: Naming;
  public readonly description: string;
  public readonly policyChecks: PolicyChecks;
  private callerIdentity?: DataAwsCallerIdentity;
  private partitionData?: DataAwsPartition;

  constructor(scope: Construct, id: string, props: LabStackProps) {
    super(scope, id);
    validateSettings(props.settings);
    this.settings = props.settings;
    this.description = props.description;
    this.naming = new Naming(props.settings.prefix, id);

    new AwsProvider(this, 'aws', {
      region: props.settings.region,
      defaultTags: [{ tags: { Project: PROJECT_TAG, Scenario: id, ManagedBy: 'cdktf', Prefix: props.settings.prefix } }],
      ...(props.settings.endpoint ? localProviderSettings(props.settings.endpoint) : {}),
    });

    const remote = (props.allowRemoteState ?? true) ? props.settings.stateBackend : undefined;
    if (remote) {
      const backend = new S3Backend(this, {
        bucket: remote.bucket,
        key: `${props.settings.prefix}/${id}/terraform.tfstate`,
        region: remote.region,
        encrypt: true,
      });
      // Terraform >= 1.10 locks with a lock object in the bucket; no DynamoDB table needed.
      backend.addOverride('use_lockfile', true);
    } else {
      new LocalBackend(this, { path: localStatePath(id, props.settings.localStateDir) });
    }

    this.policyChecks = new PolicyChecks();
    Aspects.of(this).add(this.policyChecks);
  }

  /** The account deployed to (a Terraform reference). */
  public get accountId(): string {
    this.callerIdentity ??= new DataAwsCallerIdentity(this, 'caller');
    return this.callerIdentity.accountId;
  }

  /** `aws`, `aws-cn` or `aws-us-gov` (a Terraform reference). */
  public get partition(): string {
    this.partitionData ??= new DataAwsPartition(this, 'partition');
    return this.partitionData.partition;
  }

  public get region(): string {
    return this.settings.region;
  }

  /** The LabStack a construct belongs to. */
  public static of(construct: Construct): LabStack {
    const stack = TerraformStack.of(construct);
    if (!(stack instanceof LabStack)) {
      throw new Error(`${construct.node.path} must be created inside a LabStack (it needs the deployment prefix and account)`);
    }
    return stack;
  }
}

function localStatePath(stackId: string, stateDir: string | undefined): string {
  const file = `terraform.${stackId}.tfstate`;
  // Terraform runs in cdktf.out/stacks/<stack>; three levels up is the project root.
  return stateDir ? path.resolve(stateDir, file) : path.posix.join('..', '..', '..', file);
}

function localProviderSettings(endpoint: string) {
  const url = endpoint.replace(/\/$/, '');
  const endpoints: AwsProviderEndpoints = Object.fromEntries(LOCAL_ENDPOINT_SERVICES.map((service) => [service, url]));
  return {
    endpoints: [endpoints],
    s3UsePathStyle: true,
    skipMetadataApiCheck: 'true',
    skipRegionValidation: true,
    // Fail fast against the emulator instead of retrying for minutes.
    maxRetries: 2,
  };
}
