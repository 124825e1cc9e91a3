import * as path from 'node:path';
import { AssetType, Fn, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsEc2InstanceTypeOfferings } from '@cdktf/provider-aws/lib/data-aws-ec2-instance-type-offerings';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { DataAwsSubnets } from '@cdktf/provider-aws/lib/data-aws-subnets';
import { DataAwsVpc } from '@cdktf/provider-aws/lib/data-aws-vpc';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Role } from '../iam/role';
import { LabStack } from '../lab-stack/lab-stack';
import { WHOLE_INTERNET, parseCidr } from '../network/cidr';
import { bundleApp } from '../nodejs-function/bundle';
import { acknowledgeFinding } from '../policy-checks/acknowledgements';
import { SecureBucket } from '../secure-bucket/secure-bucket';
import {
  DECOY_BUCKET_PREFIX,
  DECOY_OBJECT_KEY,
  DEFAULT_MINER_LIFETIME_MINUTES,
  LAB_TAG,
  LAUNCHED_BY_TAG_KEY,
  MAX_MINER_LIFETIME_MINUTES,
  MINER_INSTANCE_TYPE,
  MINER_NAME,
} from './app/contract';

/** The public SSM parameter holding the latest Amazon Linux 2023 AMI for x86_64. */
export const AL2023_AMI_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';

/** The app's entry point, bundled by esbuild at synth. */
export const APP_ENTRY = path.join(__dirname, 'app', 'server.ts');

/**
 * Every IAM action the instance role is granted: what the app calls, plus reading its own bundle
 * (and `kms:Decrypt` on the bundle bucket's key, when a bucket with SSE-KMS is passed in).
 */
export const INSTANCE_ROLE_ACTIONS = [
  's3:GetObject',
  's3:CreateBucket',
  's3:PutBucketTagging',
  's3:PutObject',
  's3:DeleteObject',
  's3:DeleteBucket',
  'ec2:RunInstances',
  'ec2:CreateTags',
  'ec2:DescribeInstances',
  'ec2:TerminateInstances',
] as const;

/** A subnet to run in: the provider's `Subnet` resource or `DataAwsSubnet` data source both fit. */
export interface SubnetRef {
  readonly id: string;
  readonly vpcId: string;
}

export interface SuspiciousApiProps {
  /**
   * CIDR blocks allowed to reach the API over HTTP, e.g. `['203.0.113.7/32']`.
   * `0.0.0.0/0` and `::/0` are refused unless `openToInternetReason` says why.
   * An empty list admits no one: the group then has no ingress rule at all.
   */
  readonly allowedCidrs: string[];
  /**
   * Accept `0.0.0.0/0` or `::/0` in `allowedCidrs`: why the whole internet may
   * reach the API (at least 10 characters). Acknowledges policy rule CTL.EC2.1.
   * @default - none: an open range is refused
   */
  readonly openToInternetReason?: string;
  /** @default "t3.micro" */
  readonly instanceType?: string;
  /**
   * The subnet of the API instance and of the miner it launches. It must give
   * instances a public IP for the URL to work from outside the VPC.
   * @default - a default subnet of the default VPC, in a zone that offers the instance type and t3.micro
   */
  readonly subnet?: SubnetRef;
  /**
   * Bucket the app bundle is uploaded to, under `suspicious-api/<hash>/`.
   * @default - a new SecureBucket "api-code"
   */
  readonly bucket?: SecureBucket;
  /** Port the API listens on. @default 80 */
  readonly port?: number;
  /**
   * Minutes the miner runs before powering itself off (it is launched with
   * `InstanceInitiatedShutdownBehavior=terminate`), 1..1440.
   * @default 60
   */
  readonly minerLifetimeMinutes?: number;
  /**
   * Node.js major version installed from the Amazon Linux 2023 packages
   * (`nodejs<version>`, run as `/usr/bin/node-<version>`).
   * @default 22
   */
  readonly nodejsMajorVersion?: number;
  /**
   * Size of the encrypted root volume in GiB: at least the AMI's own (8 GiB for Amazon Linux 2023).
   * @default 8
   */
  readonly rootVolumeGiB?: number;
  /** Let `terraform destroy` delete the bucket this construct creates, with the bundle. @default false */
  readonly forceDestroy?: boolean;
}

/**
 * The cat API of the suspicious-api lab on one EC2 instance: Amazon Linux 2023
 * (the latest AMI from the public SSM parameter), IMDSv2 only, an encrypted
 * root volume, standard CPU credits. The app (esbuild bundle of `app/`) is
 * uploaded to S3 and started by systemd from the user data. Its role may make
 * exactly the calls the app makes, scoped by name and tag: create, tag, fill
 * and delete `random-val-*` buckets; launch t3.micro miners tagged
 * `Name=crypto-miner`, `lab=cloudtrail` and its own `launched-by` value, with
 * IMDSv2, into its subnet and the miner security group; terminate only those.
 * HTTP is open only to `allowedCidrs`.
 *
 * @example
 * const api = new SuspiciousApi(this, 'api', { allowedCidrs: ['203.0.113.7/32'], forceDestroy: true });
 * new TerraformOutput(this, 'api_url', { value: api.url });
 */
export class SuspiciousApi extends Construct {
  public readonly instance: Instance;
  public readonly instanceId: string;
  /** `http://<public DNS name>[:port]/` */
  public readonly url: string;
  /** The instance role (a Grantable); its actions are `INSTANCE_ROLE_ACTIONS`. */
  public readonly role: Role;
  public readonly instanceProfile: IamInstanceProfile;
  /** The API's security group: HTTP in from `allowedCidrs`, HTTPS out. */
  public readonly securityGroup: SecurityGroup;
  /** The miner's security group: nothing in, nothing out. */
  public readonly minerSecurityGroup: SecurityGroup;
  public readonly bucket: SecureBucket;
  /** The AMI of the instance and of the miner (a Terraform reference). */
  public readonly amiId: string;
  public readonly subnetId: string;
  /** Folder holding the bundled app (`index.js` and its map): what a local process runs offline. */
  public readonly bundleDir: string;
  public readonly bundleBytes: number;
  /** Value of the miner's `launched-by` tag: `<prefix>-<scenario>-cat-api`. */
  public readonly launchedBy: string;
  /**
   * The app's environment on the instance (AWS_REGION, MINER_*, PORT), some of
   * it Terraform references: the same variables configure a local process.
   */
  public readonly appEnvironment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: SuspiciousApiProps) {
    super(scope, id);
    const stack = LabStack.of(this);
    const port = props.port ?? 80;
    const minerLifetimeMinutes = props.minerLifetimeMinutes ?? DEFAULT_MINER_LIFETIME_MINUTES;
    const nodejsMajorVersion = props.nodejsMajorVersion ?? 22;
    const instanceType = props.instanceType ?? 't3.micro';
    const cidrs = validate(props, port, minerLifetimeMinutes, nodejsMajorVersion, instanceType);
    const name = stack.naming.name('cat-api');
    this.launchedBy = name;
    const { partition, region, accountId } = stack;

    this.amiId = new DataAwsSsmParameter(this, 'ami', { name: AL2023_AMI_PARAMETER }).insecureValue;
    const subnet = props.subnet ?? this.defaultSubnet([...new Set([instanceType, MINER_INSTANCE_TYPE])]);
    this.subnetId = subnet.id;

    // The app bundle, uploaded by content hash: new code gives a new key, new user data, a new instance.
    const bundle = bundleApp(APP_ENTRY);
    this.bundleDir = bundle.dir;
    this.bundleBytes = bundle.bytes;
    this.bucket = props.bucket ?? new SecureBucket(this, 'code', { purpose: 'api-code', forceDestroy: props.forceDestroy ?? false });
    const asset = new TerraformAsset(this, 'app', { path: bundle.dir, type: AssetType.DIRECTORY });
    const keyPrefix = `suspicious-api/${path.basename(bundle.dir)}`;
    const objects = ['index.js', 'index.js.map'].map(
      (file) =>
        new S3Object(this, `app-${file.replace(/\./g, '-')}`, {
          bucket: this.bucket.bucketName,
          key: `${keyPrefix}/${file}`,
          source: `${asset.path}/${file}`,
          sourceHash: bundle.hash,
          contentType: file.endsWith('.js') ? 'text/javascript' : 'application/json',
        }),
    );

    this.securityGroup = new SecurityGroup(this, 'security-group', {
      name,
      description: `cat API: HTTP ${port} from the allowed CIDRs only, HTTPS out`,
      vpcId: subnet.vpcId,
    });
    cidrs.forEach((cidr, i) => {
      const rule = new VpcSecurityGroupIngressRule(this, `http-in-${i}`, {
        securityGroupId: this.securityGroup.id,
        description: `HTTP to the cat API from ${cidr.text}`,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        ...(cidr.version === 4 ? { cidrIpv4: cidr.text } : { cidrIpv6: cidr.text }),
      });
      // Validated above: an open range comes with a reason, recorded on its own rule only.
      if ((WHOLE_INTERNET as readonly string[]).includes(cidr.text)) acknowledgeFinding(rule, 'CTL.EC2.1', props.openToInternetReason!);
    });
    // Out: HTTPS only, for the AWS APIs (S3, EC2) and the Amazon Linux package repositories.
    new VpcSecurityGroupEgressRule(this, 'https-out', {
      securityGroupId: this.securityGroup.id,
      description: 'HTTPS to AWS APIs and the Amazon Linux repositories',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });
    // Terraform removes the default allow-all egress rule of a new group: the miner gets no traffic at all.
    this.minerSecurityGroup = new SecurityGroup(this, 'miner-security-group', {
      name: stack.naming.name('miner'),
      description: 'crypto-miner launched by the cat API: no ingress, no egress',
      vpcId: subnet.vpcId,
    });

    this.role = new Role(this, 'role', { name: 'cat-api', assumedBy: 'ec2.amazonaws.com', description: `Role of the ${name} instance (suspicious-api lab)` });
    this.grantAppPermissions(keyPrefix, partition, region, accountId);
    this.instanceProfile = new IamInstanceProfile(this, 'profile', { name, role: this.role.roleName });

    this.appEnvironment = {
      PORT: String(port),
      AWS_REGION: region,
      MINER_AMI_ID: this.amiId,
      MINER_SUBNET_ID: this.subnetId,
      MINER_SECURITY_GROUP_ID: this.minerSecurityGroup.id,
      MINER_LIFETIME_MINUTES: String(minerLifetimeMinutes),
      MINER_LAUNCHED_BY: name,
    };

    this.instance = new Instance(this, 'instance', {
      ami: this.amiId,
      instanceType,
      subnetId: this.subnetId,
      vpcSecurityGroupIds: [this.securityGroup.id],
      associatePublicIpAddress: true,
      iamInstanceProfile: this.instanceProfile.name,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
      rootBlockDevice: { encrypted: true, volumeType: 'gp3', volumeSize: props.rootVolumeGiB ?? 8, deleteOnTermination: true },
      // Burstable instances default to unlimited credits: a busy CPU would cost extra.
      creditSpecification: { cpuCredits: 'standard' },
      userData: renderUserData({
        bucket: this.bucket.bucketName,
        keyPrefix,
        region,
        nodejsMajorVersion,
        environment: this.appEnvironment,
      }),
      userDataReplaceOnChange: true,
      tags: { Name: name },
      // The bundle must be in S3, and the role allowed to read it, before the instance boots.
      dependsOn: [...objects, this.role.policy],
    });
    this.instanceId = this.instance.id;
    this.url = `http://${this.instance.publicDns}${port === 80 ? '' : `:${port}`}/`;
  }

  /** A default subnet of the default VPC, in the first zone (by name) offering every one of `instanceTypes`. */
  private defaultSubnet(instanceTypes: string[]): SubnetRef {
    const vpc = new DataAwsVpc(this, 'default-vpc', { default: true });
    const zones = instanceTypes.map(
      (type) =>
        new DataAwsEc2InstanceTypeOfferings(this, `zones-${type.replace(/\./g, '-')}`, {
          locationType: 'availability-zone',
          filter: [{ name: 'instance-type', values: [type] }],
        }).locations,
    );
    const subnets = new DataAwsSubnets(this, 'default-subnets', {
      filter: [
        { name: 'vpc-id', values: [vpc.id] },
        { name: 'default-for-az', values: ['true'] },
        { name: 'availability-zone', values: zones.length === 1 ? zones[0] : Fn.setintersection(zones[0], zones.slice(1)) },
      ],
    });
    return { id: Fn.element(Fn.sort(subnets.ids), 0), vpcId: vpc.id };
  }

  /**
   * Exactly what the app does, and nothing else. S3 has no tag conditions on
   * CreateBucket, so buckets are scoped by name; EC2 launches are scoped by
   * the tags on create, instance type and IMDSv2, into this subnet and the
   * miner group only; tags only at launch; terminations only of miners
   * launched by this deployment. DescribeInstances has no resource-level
   * permissions in IAM: it needs `*`.
   */
  private grantAppPermissions(keyPrefix: string, partition: string, region: string, accountId: string): void {
    const decoyBuckets = `arn:${partition}:s3:::${DECOY_BUCKET_PREFIX}*`;
    const ec2Arn = (resource: string) => `arn:${partition}:ec2:${region}:${accountId}:${resource}`;
    const minerTagValues = { Name: MINER_NAME, [LAB_TAG.key]: LAB_TAG.value, [LAUNCHED_BY_TAG_KEY]: this.launchedBy };
    const requestTags = Object.entries(minerTagValues).map(([key, value]) => ({ test: 'StringEquals', variable: `aws:RequestTag/${key}`, values: [value] }));
    const onlyTheseTagKeys = { test: 'ForAllValues:StringEquals', variable: 'aws:TagKeys', values: Object.keys(minerTagValues) };

    this.role.addToPrincipalPolicy({ sid: 'ReadAppBundle', actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${keyPrefix}/*`)] });
    this.bucket.encryptionKey?.grantDecrypt(this.role);
    // A bucket name is global: once created, random-val-* buckets are touched only in this account.
    const inThisAccount = { test: 'StringEquals', variable: 's3:ResourceAccount', values: [accountId] };
    this.role.addToPrincipalPolicy({ sid: 'CreateDecoyBuckets', actions: ['s3:CreateBucket'], resources: [decoyBuckets] });
    this.role.addToPrincipalPolicy({
      sid: 'ManageDecoyBuckets',
      actions: ['s3:PutBucketTagging', 's3:DeleteBucket'],
      resources: [decoyBuckets],
      conditions: [inThisAccount],
    });
    this.role.addToPrincipalPolicy({
      sid: 'ManageDecoyObject',
      actions: ['s3:PutObject', 's3:DeleteObject'],
      resources: [`${decoyBuckets}/${DECOY_OBJECT_KEY}`],
      conditions: [inThisAccount],
    });
    this.role.addToPrincipalPolicy({
      sid: 'LaunchTaggedMiner',
      actions: ['ec2:RunInstances'],
      resources: [ec2Arn('instance/*')],
      conditions: [
        ...requestTags,
        onlyTheseTagKeys,
        { test: 'StringEquals', variable: 'ec2:InstanceType', values: [MINER_INSTANCE_TYPE] },
        { test: 'StringEquals', variable: 'ec2:MetadataHttpTokens', values: ['required'] },
      ],
    });
    this.role.addToPrincipalPolicy({
      sid: 'LaunchTaggedMinerVolume',
      actions: ['ec2:RunInstances'],
      resources: [ec2Arn('volume/*')],
      // The miner's root volume is encrypted, like the API's own.
      conditions: [...requestTags, onlyTheseTagKeys, { test: 'Bool', variable: 'ec2:Encrypted', values: ['true'] }],
    });
    this.role.addToPrincipalPolicy({
      sid: 'LaunchMinerFrom',
      actions: ['ec2:RunInstances'],
      resources: [
        `arn:${partition}:ec2:${region}::image/${this.amiId}`,
        ec2Arn(`subnet/${this.subnetId}`),
        ec2Arn(`security-group/${this.minerSecurityGroup.id}`),
        ec2Arn('network-interface/*'),
      ],
    });
    this.role.addToPrincipalPolicy({
      sid: 'TagMinerAtLaunchOnly',
      actions: ['ec2:CreateTags'],
      resources: [ec2Arn('instance/*'), ec2Arn('volume/*')],
      conditions: [{ test: 'StringEquals', variable: 'ec2:CreateAction', values: ['RunInstances'] }],
    });
    this.role.addToPrincipalPolicy({
      sid: 'TerminateOwnMiners',
      actions: ['ec2:TerminateInstances'],
      resources: [ec2Arn('instance/*')],
      conditions: [
        { test: 'StringEquals', variable: `aws:ResourceTag/${LAB_TAG.key}`, values: [LAB_TAG.value] },
        { test: 'StringEquals', variable: `aws:ResourceTag/${LAUNCHED_BY_TAG_KEY}`, values: [this.launchedBy] },
      ],
    });
    this.role.addToPrincipalPolicy({ sid: 'FindMiners', actions: ['ec2:DescribeInstances'], resources: ['*'] });
  }
}

function validate(props: SuspiciousApiProps, port: number, lifetime: number, nodejs: number, instanceType: string) {
  const cidrs = props.allowedCidrs.map((text) => parseCidr(text, 'SuspiciousApi: allowedCidrs entry'));
  const open = cidrs.filter((c) => (WHOLE_INTERNET as readonly string[]).includes(c.text)).map((c) => c.text);
  if (open.length > 0 && props.openToInternetReason === undefined) {
    throw new Error(
      `SuspiciousApi: allowedCidrs contains ${open.join(' and ')}, which opens the API to the whole internet. ` +
        'Give the addresses that need it (e.g. your IP as 203.0.113.7/32), or set openToInternetReason to say why that is acceptable',
    );
  }
  if (props.openToInternetReason !== undefined && open.length === 0) {
    throw new Error('SuspiciousApi: openToInternetReason is only for allowedCidrs that include 0.0.0.0/0 or ::/0');
  }
  if (props.openToInternetReason !== undefined && props.openToInternetReason.trim().length < 10) {
    throw new Error('SuspiciousApi: openToInternetReason must say, in at least 10 characters, why the whole internet may reach the API');
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`SuspiciousApi: port must be a whole number from 1 to 65535, got ${port}`);
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_MINER_LIFETIME_MINUTES) {
    throw new Error(`SuspiciousApi: minerLifetimeMinutes must be a whole number from 1 to ${MAX_MINER_LIFETIME_MINUTES}, got ${lifetime}`);
  }
  if (!Number.isInteger(nodejs) || nodejs < 20) throw new Error(`SuspiciousApi: nodejsMajorVersion must be 20 or later (the bundle targets Node.js 20), got ${nodejs}`);
  const volume = props.rootVolumeGiB ?? 8;
  if (!Number.isInteger(volume) || volume < 8 || volume > 16384) throw new Error(`SuspiciousApi: rootVolumeGiB must be a whole number from 8 (the AMI's size) to 16384, got ${volume}`);
  if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(instanceType)) throw new Error(`SuspiciousApi: instanceType "${instanceType}" is not an EC2 instance type such as t3.micro`);
  return cidrs;
}

interface UserDataInput {
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly region: string;
  readonly nodejsMajorVersion: number;
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * Boot script: install Node.js from the Amazon Linux packages, download the
 * bundle with the instance role, and run it as a systemd service under a
 * dynamic, unprivileged user that may bind the HTTP port and nothing more.
 * (No `${` in the script: Terraform would read it as an interpolation.)
 */
export function renderUserData(input: UserDataInput): string {
  const node = `/usr/bin/node-${input.nodejsMajorVersion}`;
  const environment = Object.entries(input.environment).map(([key, value]) => `Environment="${key}=${value}"`);
  return [
    '#!/bin/bash',
    '# cloudtrail-labs suspicious-api lab: the cat API',
    'set -euo pipefail',
    `for attempt in 1 2 3 4 5; do dnf install -y nodejs${input.nodejsMajorVersion} && break; sleep 10; done`,
    `test -x ${node}`,
    'install -d -m 0755 /opt/suspicious-api',
    `aws s3 cp --region ${input.region} s3://${input.bucket}/${input.keyPrefix}/index.js /opt/suspicious-api/index.js`,
    `aws s3 cp --region ${input.region} s3://${input.bucket}/${input.keyPrefix}/index.js.map /opt/suspicious-api/index.js.map`,
    "cat > /etc/systemd/system/suspicious-api.service <<'UNIT'",
    '[Unit]',
    'Description=cat API (cloudtrail-labs suspicious-api lab)',
    'Wants=network-online.target',
    'After=network-online.target',
    '[Service]',
    `ExecStart=${node} --enable-source-maps /opt/suspicious-api/index.js`,
    ...environment,
    'DynamicUser=yes',
    'AmbientCapabilities=CAP_NET_BIND_SERVICE',
    'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'Restart=on-failure',
    'RestartSec=2',
    '[Install]',
    'WantedBy=multi-user.target',
    'UNIT',
    'systemctl daemon-reload',
    'systemctl enable --now suspicious-api.service',
    '',
  ].join('\n');
}
