import { AthenaClient, CreateWorkGroupCommand, ListWorkGroupsCommand } from '@aws-sdk/client-athena';
import { CloudTrailClient, CreateTrailCommand, ListTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateSecurityGroupCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { EventBridgeClient, ListRulesCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  AddRoleToInstanceProfileCommand,
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateInstanceProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  ListGroupsCommand,
  ListInstanceProfilesCommand,
  ListPoliciesCommand,
  ListRolesCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import { CreateFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  ListBucketsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EMULATOR_CREDENTIALS, MotoServer, motoAvailable, startMoto } from '../emulator/moto-server';
import { cleanupCommand } from '../cli/cleanup';
import { main } from '../cli/main';
import { captureIo } from '../cli/testing';
import { minerTags } from '../modules/suspicious-api/app/contract';

/** moto has no LookupEvents: the SDK's error (a parse error of moto's HTML answer) is not worth pinning. */
const lookupFailure = (line: string) => line.replace(/CloudTrail LookupEvents failed: .*; any/, 'CloudTrail LookupEvents failed: (error); any');

// `cloudtrail-lab cleanup suspicious-api` against moto_server: resources made
// with the SDK the way the stack and the cat API make them, decoys beside them.
describe('cloudtrail-lab cleanup against moto', () => {
  let moto: MotoServer | undefined;
  const region = 'us-east-1';
  const account = '123456789012';
  const prefix = 'lab1';
  const env = { CTLAB_PREFIX: prefix, CTLAB_REGION: region, AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.AWS_SECRET_ACCESS_KEY };
  const defaults = (scenario: string, p = prefix) => ({ Project: 'cloudtrail-labs', Scenario: scenario, ManagedBy: 'cdktf', Prefix: p });
  const list = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const ours = defaults('suspicious-api');

  let c: { s3: S3Client; ec2: EC2Client; kms: KMSClient; iam: IAMClient; sns: SNSClient; sqs: SQSClient; logs: CloudWatchLogsClient; events: EventBridgeClient; trail: CloudTrailClient; lambda: LambdaClient; athena: AthenaClient };
  const made = {} as {
    miner: string;
    otherMiner: string;
    otherScenarioInstance: string;
    decoyBucket: string;
    bucket: string;
    otherPrefixBucket: string;
    untaggedBucket: string;
    key: string;
    otherPrefixKey: string;
    securityGroup: string;
  };

  beforeAll(async () => {
    if (!(await motoAvailable())) {
      console.warn('cleanup tests against moto skipped: python3 cannot import moto');
      return;
    }
    moto = await startMoto();
    const config = { endpoint: moto.endpoint, region, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY } };
    c = {
      s3: new S3Client({ ...config, forcePathStyle: true }),
      ec2: new EC2Client(config),
      kms: new KMSClient(config),
      iam: new IAMClient(config),
      sns: new SNSClient(config),
      sqs: new SQSClient(config),
      logs: new CloudWatchLogsClient(config),
      events: new EventBridgeClient(config),
      trail: new CloudTrailClient(config),
      lambda: new LambdaClient(config),
      athena: new AthenaClient(config),
    };

    // EC2: the cat API's miner, another deployment's miner, another scenario's instance, the scenario's security group.
    const imageId = (await c.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0].ImageId!;
    const run = async (tags: { Key: string; Value: string }[]) =>
      (await c.ec2.send(new RunInstancesCommand({ ImageId: imageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: tags }] })))
        .Instances![0].InstanceId!;
    made.miner = await run(minerTags(`${prefix}-suspicious-api-cat-api`));
    made.otherMiner = await run(minerTags('lab2-suspicious-api-cat-api'));
    made.otherScenarioInstance = await run(list(defaults('kms-mystery')));
    made.securityGroup = (await c.ec2.send(new CreateSecurityGroupCommand({ GroupName: `${prefix}-suspicious-api-miner`, Description: 'miner', TagSpecifications: [{ ResourceType: 'security-group', Tags: list(ours) }] }))).GroupId!;

    // S3: the decoy (versioned, readme.txt twice), the scenario's bucket with versions and a delete marker, decoys.
    const bucket = async (name: string, tags?: Record<string, string>, versioned = false) => {
      await c.s3.send(new CreateBucketCommand({ Bucket: name }));
      if (tags) await c.s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: list(tags) } }));
      if (versioned) await c.s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
      return name;
    };
    made.decoyBucket = await bucket('random-val-6f1e0c52-8a3d-4a57-b1f8-3c9e2d7a4b10', { lab: 'cloudtrail' }, true);
    await c.s3.send(new PutObjectCommand({ Bucket: made.decoyBucket, Key: 'readme.txt', Body: 'PWNED?' }));
    await c.s3.send(new PutObjectCommand({ Bucket: made.decoyBucket, Key: 'readme.txt', Body: 'PWNED again?' }));
    made.bucket = await bucket(`${prefix}-suspicious-api-trail-${account}`, ours, true);
    for (const body of ['one', 'two']) await c.s3.send(new PutObjectCommand({ Bucket: made.bucket, Key: 'AWSLogs/log.json.gz', Body: body }));
    await c.s3.send(new DeleteObjectCommand({ Bucket: made.bucket, Key: 'AWSLogs/log.json.gz' }));
    await c.s3.send(new PutObjectCommand({ Bucket: made.bucket, Key: 'AWSLogs/other.json.gz', Body: 'three' }));
    made.otherPrefixBucket = await bucket(`lab2-suspicious-api-trail-${account}`, defaults('suspicious-api', 'lab2'), true);
    await c.s3.send(new PutObjectCommand({ Bucket: made.otherPrefixBucket, Key: 'keep.txt', Body: 'keep' }));
    made.untaggedBucket = await bucket(`${prefix}-suspicious-api-untagged`);

    // KMS: the scenario's key with its alias; another prefix's key with its alias.
    const key = async (p: string) => {
      const id = (await c.kms.send(new CreateKeyCommand({ Tags: Object.entries(defaults('suspicious-api', p)).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) }))).KeyMetadata!.KeyId!;
      await c.kms.send(new CreateAliasCommand({ AliasName: `alias/${p}-suspicious-api-trail`, TargetKeyId: id }));
      return id;
    };
    made.key = await key(prefix);
    made.otherPrefixKey = await key('lab2');

    // IAM: the cat API's role (inline policy, managed policy, instance profile), an auditor user in a group with a key; another scenario's role.
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const role = `${prefix}-suspicious-api-cat-api`;
    const roleArn = (await c.iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trust, Tags: list(ours) }))).Role!.Arn!;
    await c.iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: 'app', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] }) }));
    const policyArn = (await c.iam.send(new CreatePolicyCommand({ PolicyName: `${prefix}-suspicious-api-extra`, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }] }), Tags: list(ours) }))).Policy!.Arn!;
    await c.iam.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: policyArn }));
    await c.iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: role, Tags: list(ours) }));
    await c.iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: role, RoleName: role }));
    await c.iam.send(new CreateUserCommand({ UserName: `${prefix}-suspicious-api-auditor`, Tags: list(ours) }));
    await c.iam.send(new CreateGroupCommand({ GroupName: `${prefix}-suspicious-api-auditors` }));
    await c.iam.send(new AddUserToGroupCommand({ GroupName: `${prefix}-suspicious-api-auditors`, UserName: `${prefix}-suspicious-api-auditor` }));
    await c.iam.send(new CreateAccessKeyCommand({ UserName: `${prefix}-suspicious-api-auditor` }));
    await c.iam.send(new CreateRoleCommand({ RoleName: `${prefix}-kms-mystery-dispatcher`, AssumeRolePolicyDocument: trust, Tags: list(defaults('kms-mystery')) }));

    // The alert path and the trail: a rule with its target, the topic, the notifier, its log group and failure queue.
    const topicArn = (await c.sns.send(new CreateTopicCommand({ Name: `${prefix}-suspicious-api-EC2InstanceChanges`, Tags: list(ours) }))).TopicArn!;
    await c.sns.send(new CreateTopicCommand({ Name: 'lab2-suspicious-api-EC2InstanceChanges', Tags: list(defaults('suspicious-api', 'lab2')) }));
    await c.events.send(new PutRuleCommand({ Name: `${prefix}-suspicious-api-ec2-state-changes`, EventPattern: JSON.stringify({ source: ['aws.ec2'] }), Tags: list(ours) }));
    await c.events.send(new PutTargetsCommand({ Rule: `${prefix}-suspicious-api-ec2-state-changes`, Targets: [{ Id: 'topic', Arn: topicArn }] }));
    await c.sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-suspicious-api-notifier-failures`, tags: ours }));
    await c.logs.send(new CreateLogGroupCommand({ logGroupName: `/aws/lambda/${prefix}-suspicious-api-notifier`, tags: ours }));
    await c.lambda.send(
      new CreateFunctionCommand({ FunctionName: `${prefix}-suspicious-api-notifier`, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: roleArn, Code: { ZipFile: Buffer.from('PK\u0005\u0006' + '\0'.repeat(18)) }, Tags: ours }),
    );
    await c.trail.send(new CreateTrailCommand({ Name: `${prefix}-suspicious-api-trail`, S3BucketName: made.bucket, TagsList: list(ours) }));
    await c.athena.send(new CreateWorkGroupCommand({ Name: `${prefix}-suspicious-api-investigate`, Tags: list(ours) }));
  }, 120_000);

  afterAll(async () => {
    await moto?.stop();
  });

  const cleanup = (...args: string[]) => ['node', 'cloudtrail-lab', 'cleanup', 'suspicious-api', '--endpoint', moto!.endpoint, ...args];

  const expectedFound = () => [
    `found ec2-instance ${made.miner} (miner: Name=crypto-miner, lab=cloudtrail, launched-by=${prefix}-suspicious-api-cat-api)`,
    `found eventbridge-rule ${prefix}-suspicious-api-ec2-state-changes (tagged Project=cloudtrail-labs, Scenario=suspicious-api, Prefix=${prefix})`,
    `found cloudtrail-trail ${prefix}-suspicious-api-trail (tagged Project=cloudtrail-labs, Scenario=suspicious-api, Prefix=${prefix})`,
    `found lambda-function ${prefix}-suspicious-api-notifier (tagged Project=cloudtrail-labs, Scenario=suspicious-api, Prefix=${prefix})`,
    `found sns-topic ${prefix}-suspicious-api-EC2InstanceChanges (tagged Project=cloudtrail-labs, Scenario=suspicious-api, Prefix=${prefix})`,
    `found sqs-queue ${prefix}-suspicious-api-notifier-failures (tagged Project=cloudtrail-labs, Scenario=suspicious-api, Prefix=${prefix})`,
    `found log-group /aws/lambda/${prefix}-suspicious-api-notifier (tagged Project=cloudtrail-labs, Scenario=suspicious-api, Prefix=${prefix})`,
    `found athena-workgroup ${prefix}-suspicious-api-investigate (named ${prefix}-suspicious-api-*)`,
    `found s3-bucket ${made.bucket} (tagged Project=cloudtrail-labs, Scenario=suspicious-api, Prefix=${prefix})`,
    // moto has no LookupEvents: who made the decoy stays unknown.
    `found s3-bucket ${made.decoyBucket} (decoy: random-val-* tagged lab=cloudtrail; who made it is unknown: CloudTrail LookupEvents failed: (error); any suspicious-api deployment in this account may have)`,
    `found security-group ${made.securityGroup} (tagged Project=cloudtrail-labs, Scenario=suspicious-api, Prefix=${prefix})`,
    `found iam-instance-profile ${prefix}-suspicious-api-cat-api (named ${prefix}-suspicious-api-* and tagged)`,
    `found iam-role ${prefix}-suspicious-api-cat-api (named ${prefix}-suspicious-api-* and tagged)`,
    `found iam-user ${prefix}-suspicious-api-auditor (named ${prefix}-suspicious-api-* and tagged)`,
    `found iam-group ${prefix}-suspicious-api-auditors (named ${prefix}-suspicious-api-*)`,
    `found iam-policy ${prefix}-suspicious-api-extra (named ${prefix}-suspicious-api-* and tagged)`,
    `found kms-key ${made.key} (tagged Project=cloudtrail-labs, Scenario=suspicious-api, Prefix=${prefix})`,
  ];

  async function state() {
    const instances = (await c.ec2.send(new DescribeInstancesCommand({}))).Reservations!.flatMap((r) => r.Instances!);
    const stateOf = (id: string) => instances.find((i) => i.InstanceId === id)?.State?.Name;
    const buckets = ((await c.s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!);
    const keyState = async (id: string) => (await c.kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!.KeyState;
    const aliases = ((await c.kms.send(new ListAliasesCommand({}))).Aliases ?? []).map((a) => a.AliasName!).filter((a) => a.includes('suspicious-api'));
    const groups = ((await c.ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? []).map((g) => g.GroupId);
    const iam = [
      ...((await c.iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => `role ${r.RoleName}`),
      ...((await c.iam.send(new ListUsersCommand({}))).Users ?? []).map((u) => `user ${u.UserName}`),
      ...((await c.iam.send(new ListGroupsCommand({}))).Groups ?? []).map((g) => `group ${g.GroupName}`),
      ...((await c.iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? []).map((p) => `policy ${p.PolicyName}`),
      ...((await c.iam.send(new ListInstanceProfilesCommand({}))).InstanceProfiles ?? []).map((p) => `profile ${p.InstanceProfileName}`),
    ].sort();
    const others = {
      topics: ((await c.sns.send(new ListTopicsCommand({}))).Topics ?? []).map((t) => t.TopicArn!.split(':').pop()).sort(),
      queues: (await c.sqs.send(new ListQueuesCommand({}))).QueueUrls?.length ?? 0,
      logGroups: (await c.logs.send(new DescribeLogGroupsCommand({}))).logGroups?.length ?? 0,
      rules: (await c.events.send(new ListRulesCommand({}))).Rules?.length ?? 0,
      trails: (await c.trail.send(new ListTrailsCommand({}))).Trails?.length ?? 0,
      functions: (await c.lambda.send(new ListFunctionsCommand({}))).Functions?.length ?? 0,
      workgroups: ((await c.athena.send(new ListWorkGroupsCommand({}))).WorkGroups ?? []).map((w) => w.Name).sort(),
    };
    return {
      miner: stateOf(made.miner),
      otherMiner: stateOf(made.otherMiner),
      otherScenarioInstance: stateOf(made.otherScenarioInstance),
      buckets: [made.bucket, made.decoyBucket, made.otherPrefixBucket, made.untaggedBucket].filter((b) => buckets.includes(b)),
      key: await keyState(made.key),
      otherPrefixKey: await keyState(made.otherPrefixKey),
      aliases: aliases.sort(),
      securityGroup: groups.includes(made.securityGroup),
      iam,
      ...others,
    };
  }

  it('rejects running without --yes when stdin is not a terminal, before any AWS call', async () => {
    if (!moto) return;
    const { io, out } = captureIo(env);
    const ask = jest.fn();
    const command = cleanupCommand(io, { terminal: { interactive: false, ask } });
    await expect(command.parseAsync(['suspicious-api', '--endpoint', moto.endpoint], { from: 'user' })).rejects.toThrow(
      /^cleanup removes resources and asks first, but stdin is not a terminal: pass --yes .* or --dry-run/,
    );
    expect(out).toEqual([]);
    expect(ask).not.toHaveBeenCalled();
  });

  it('--dry-run lists exactly the scenario\'s resources, keeps the decoys and removes nothing', async () => {
    if (!moto) return;
    const before = await state();
    const { io, out } = captureIo(env);
    expect(await main(cleanup('--dry-run', '--verbose'), io)).toBe(0);
    expect(out.filter((l) => l.startsWith('found ')).map(lookupFailure)).toEqual(expectedFound());
    expect(out.filter((l) => l.startsWith('kept ')).sort()).toEqual(
      [
        `kept ec2-instance ${made.otherMiner}: miner launched by lab2-suspicious-api-cat-api, not ${prefix}-suspicious-api-cat-api`,
        `kept ec2-instance ${made.otherScenarioInstance}: scenario kms-mystery, not suspicious-api`,
        `kept s3-bucket ${made.otherPrefixBucket}: prefix lab2, not ${prefix}`,
        `kept kms-key ${made.otherPrefixKey}: prefix lab2, not ${prefix}`,
        'kept sns-topic lab2-suspicious-api-EC2InstanceChanges: prefix lab2, not lab1',
      ].sort(),
    );
    expect(out.filter((l) => l.startsWith('failed '))).toEqual([]);
    expect(out.at(-1)).toBe('dry run: 17 to remove, 0 failed, 5 kept; nothing removed');
    expect(await state()).toEqual(before);
  });

  it('asks first in a terminal, and removes nothing when the answer is no', async () => {
    if (!moto) return;
    const before = await state();
    const { io, out } = captureIo(env);
    const ask = jest.fn().mockResolvedValue('n');
    await cleanupCommand(io, { terminal: { interactive: true, ask } }).parseAsync(['suspicious-api', '--endpoint', moto.endpoint], { from: 'user' });
    expect(ask).toHaveBeenCalledWith(expect.stringMatching(/^remove these 17 resources of suspicious-api \(prefix lab1\) in us-east-1 at http:\/\/127\.0\.0\.1:\d+\? /));
    expect(out.at(-1)).toMatch(/^cancelled: nothing removed \(17 found, 5 kept/);
    expect(await state()).toEqual(before);
  });

  it('removes the scenario\'s resources in order, leaving every decoy; a second run finds nothing', async () => {
    if (!moto) return;
    const { io, out } = captureIo(env);
    const started = Date.now();
    expect(await main(cleanup('--yes'), io)).toBe(0);
    const removed = out.filter((l) => l.startsWith('removed '));
    // One line per resource, in the removal order the listing showed.
    expect(removed.map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual(expectedFound().map((l) => l.replace(/^found/, 'removed').split(' ').slice(0, 3).join(' ')));
    expect(removed).toEqual(
      expect.arrayContaining([
        `removed ec2-instance ${made.miner} (terminated)`,
        `removed s3-bucket ${made.bucket} (emptied: 3 object versions, 1 delete marker)`,
        `removed s3-bucket ${made.decoyBucket} (emptied: 2 object versions, 0 delete markers)`,
        `removed eventbridge-rule ${prefix}-suspicious-api-ec2-state-changes (1 target removed first)`,
        expect.stringMatching(new RegExp(`^removed kms-key ${made.key} \\(pending deletion, deleted on \\d{4}-\\d\\d-\\d\\d; alias alias/${prefix}-suspicious-api-trail deleted\\)$`)),
        expect.stringMatching(new RegExp(`^removed iam-role ${prefix}-suspicious-api-cat-api \\(detached first: policy arn:aws:iam::${account}:policy/${prefix}-suspicious-api-extra, inline policy app\\)$`)),
        `removed iam-instance-profile ${prefix}-suspicious-api-cat-api (detached first: role ${prefix}-suspicious-api-cat-api)`,
        expect.stringMatching(new RegExp(`^removed iam-user ${prefix}-suspicious-api-auditor \\(detached first: group ${prefix}-suspicious-api-auditors, access key \\w+\\)$`)),
      ]),
    );
    expect(out.at(-1)).toBe('17 removed, 0 failed, 5 kept (other deployments or scenarios; --verbose lists them)');
    console.log(`cleanup of 17 resources against moto: ${Date.now() - started} ms`);

    expect(await state()).toEqual({
      miner: 'terminated',
      otherMiner: 'running',
      otherScenarioInstance: 'running',
      buckets: [made.otherPrefixBucket, made.untaggedBucket],
      key: 'PendingDeletion',
      otherPrefixKey: 'Enabled',
      aliases: ['alias/lab2-suspicious-api-trail'],
      securityGroup: false,
      iam: [`role ${prefix}-kms-mystery-dispatcher`],
      topics: ['lab2-suspicious-api-EC2InstanceChanges'],
      queues: 0,
      logGroups: 0,
      rules: 0,
      trails: 0,
      functions: 0,
      workgroups: ['primary'],
    });

    const again = captureIo(env);
    expect(await main(cleanup('--yes'), again.io)).toBe(0);
    expect(again.out).toEqual(['0 removed, 0 failed, 5 kept (other deployments or scenarios; --verbose lists them)']);
  });

  it('reports what it could not remove, goes on with the rest and exits 1', async () => {
    if (!moto) return;
    // Another deployment (lab3): an instance with termination protection, and a bucket.
    const tags = list(defaults('suspicious-api', 'lab3'));
    const imageId = (await c.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0].ImageId!;
    const protectedId = (await c.ec2.send(new RunInstancesCommand({ ImageId: imageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: tags }] })))
      .Instances![0].InstanceId!;
    await c.ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: protectedId, DisableApiTermination: { Value: true } }));
    await c.s3.send(new CreateBucketCommand({ Bucket: `lab3-suspicious-api-trail-${account}` }));
    await c.s3.send(new PutBucketTaggingCommand({ Bucket: `lab3-suspicious-api-trail-${account}`, Tagging: { TagSet: tags } }));

    const { io, out } = captureIo({ ...env, CTLAB_PREFIX: 'lab3' });
    expect(await main(cleanup('--yes'), io)).toBe(1);
    expect(out.filter((l) => !l.startsWith('found '))).toEqual([
      expect.stringMatching(new RegExp(`^failed ec2-instance ${protectedId}: OperationNotPermitted: .*`)),
      `removed s3-bucket lab3-suspicious-api-trail-${account} (emptied: 0 object versions, 0 delete markers)`,
      expect.stringMatching(/^1 removed, 1 failed, \d+ kept/),
    ]);
    const instance = (await c.ec2.send(new DescribeInstancesCommand({ InstanceIds: [protectedId] }))).Reservations![0].Instances![0];
    expect(instance.State?.Name).toBe('running');
  });
});
