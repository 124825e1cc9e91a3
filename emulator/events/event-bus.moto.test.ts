import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EC2Client, RunInstancesCommand, StopInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { AddPermissionCommand, CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, PublishCommand, SNSClient, SetTopicAttributesCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { LocalSession, startLocalSession } from '../../offline/session';
import { motoAvailable } from '../moto-server';

// The local event bus end to end: moto + edge + local Lambda, everything made
// through the edge with the SDK clients, as a lab stack would be.
const EC2_RULE_PATTERN = '{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"],"detail":{"state":["running","stopped"]}}';
const HANDLER = `exports.handler = async (event) => { require('node:fs').appendFileSync(process.env.OUT, JSON.stringify(event) + '\\n'); return 'ok'; };`;
const FUNCTIONS = ['on-topic', 'on-denied-topic', 'on-rule', 'on-unpermitted-rule', 'on-encrypted-topic', 'on-upload'];

describe('local event bus: EventBridge rules, SNS to Lambda, EC2 state changes', () => {
  let session: LocalSession | undefined;
  let work: string;
  let lambda: LambdaClient;
  let sns: SNSClient;
  let ec2: EC2Client;
  let events: EventBridgeClient;
  const fnArn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

  /** The events each function received so far. */
  const received = (name: string): any[] => {
    const file = path.join(work, `${name}.jsonl`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
  };
  /** The EC2 states a function got through SNS. */
  const statesViaSns = (name: string) => received(name).map((e) => JSON.parse(e.Records[0].Sns.Message).detail.state);

  async function topic(name: string, policy: 'allows-events' | 'default', attributes: Record<string, string> = {}): Promise<string> {
    const arn = (await sns.send(new CreateTopicCommand({ Name: name, Attributes: attributes }))).TopicArn!;
    if (policy === 'allows-events') {
      const document = { Version: '2012-10-17', Statement: [{ Sid: 'AllowEventBridge', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish', Resource: arn }] };
      await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: 'Policy', AttributeValue: JSON.stringify(document) }));
    }
    return arn;
  }

  /** A function subscribed to the topic, with the permission SNS needs. */
  async function subscribe(topicArn: string, fn: string): Promise<void> {
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'lambda', Endpoint: fnArn(fn) }));
    await lambda.send(new AddPermissionCommand({ FunctionName: fn, StatementId: 'sns', Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com', SourceArn: topicArn }));
  }

  async function rule(name: string, pattern: string, targetArn: string): Promise<string> {
    const { RuleArn } = await events.send(new PutRuleCommand({ Name: name, EventPattern: pattern, State: 'ENABLED' }));
    await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'target', Arn: targetArn }] }));
    return RuleArn!;
  }

  beforeAll(async () => {
    if (!(await motoAvailable())) return console.warn('local event bus tier skipped: python3 cannot import moto');
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ctlab-events-'));
    const bundles = new Map<string, string>();
    for (const name of FUNCTIONS) {
      fs.mkdirSync(path.join(work, name));
      fs.writeFileSync(path.join(work, name, 'index.js'), HANDLER);
      bundles.set(name, path.join(work, name));
    }
    session = await startLocalSession({ region: 'us-east-1', bundles, deliveryIntervalSeconds: 60 });
    const config = { endpoint: session.edge.endpoint, region: 'us-east-1', credentials: session.operator, maxAttempts: 1 };
    lambda = new LambdaClient(config);
    sns = new SNSClient(config);
    ec2 = new EC2Client(config);
    events = new EventBridgeClient(config);
    const role = await new IAMClient(config).send(new CreateRoleCommand({ RoleName: 'event-bus-test', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
    for (const name of FUNCTIONS) {
      await lambda.send(
        new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: role.Role!.Arn, Handler: 'index.handler', Code: { ZipFile: Buffer.from('bundle is local') }, Environment: { Variables: { OUT: path.join(work, `${name}.jsonl`) } } }),
      );
    }
  }, 60_000);

  afterAll(async () => {
    await session?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('delivers EC2 state changes through a rule and a topic: one invocation for running, one for stopped, none for terminated', async () => {
    if (!session) return;
    // Given a rule on running/stopped targeting a topic that lets EventBridge publish, and a function subscribed to it
    const topicArn = await topic('ec2-state', 'allows-events');
    await subscribe(topicArn, 'on-topic');
    const ruleArn = await rule('ec2-running-stopped', EC2_RULE_PATTERN, topicArn);

    // When an instance is launched: pending, then running
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }));
    const instanceId = run.Instances![0].InstanceId!;
    await session.idle();
    // Then the function got exactly one event, for running, in the SNS shape carrying the EventBridge event
    expect(statesViaSns('on-topic')).toEqual(['running']);
    const [record] = received('on-topic')[0].Records;
    expect(record).toMatchObject({ EventSource: 'aws:sns', EventSubscriptionArn: expect.stringContaining(`${topicArn}:`), Sns: { Type: 'Notification', TopicArn: topicArn } });
    expect(JSON.parse(record.Sns.Message)).toMatchObject({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${instanceId}`], detail: { 'instance-id': instanceId } });
    expect(session.events.deliveries).toContainEqual({ rule: ruleArn, target: topicArn, eventId: expect.any(String) });

    // When it is stopped, then terminated
    await ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
    await session.idle();
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    await session.idle();
    // Then stopped came once more, and termination nothing
    expect(statesViaSns('on-topic')).toEqual(['running', 'stopped']);
    expect(session.events.failedDeliveries.filter((f) => f.target === topicArn)).toEqual([]);
  }, 60_000);

  it('drops the delivery to a topic whose policy does not let EventBridge publish, and says why', async () => {
    if (!session) return;
    // Given the same rule on a topic with the default policy
    const topicArn = await topic('ec2-state-default-policy', 'default');
    await subscribe(topicArn, 'on-denied-topic');
    const ruleArn = await rule('ec2-to-default-policy-topic', EC2_RULE_PATTERN, topicArn);
    // When an instance reaches running
    await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }));
    await session.idle();
    // Then nothing was invoked, and the failed delivery names the topic policy
    expect(received('on-denied-topic')).toEqual([]);
    expect(session.events.failedDeliveries.filter((f) => f.target === topicArn)).toEqual([
      { source: ruleArn, target: topicArn, messageId: expect.any(String), time: expect.any(String), reason: expect.stringContaining("the topic's access policy does not let EventBridge publish: no statement allows events.amazonaws.com to sns:Publish") },
    ]);
  }, 60_000);

  it('fails the delivery to a topic that does not exist, naming the call, the topic and moto\'s answer', async () => {
    if (!session) return;
    // Given a rule whose target topic was never created
    const topicArn = 'arn:aws:sns:us-east-1:123456789012:never-created';
    const ruleArn = await rule('ec2-to-missing-topic', EC2_RULE_PATTERN, topicArn);
    // When an instance reaches running
    await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }));
    await session.idle();
    // Then the failed delivery says what could not be read, of which topic, and why
    expect(session.events.failedDeliveries.filter((f) => f.target === topicArn)).toEqual([
      expect.objectContaining({ source: ruleArn, reason: `could not read the topic's attributes: SNS GetTopicAttributes of topic ${topicArn} failed (NotFoundException, HTTP 404): Topic does not exist` }),
    ]);
  }, 60_000);

  it('delivers to an encrypted topic only once its key policy lets EventBridge use the key', async () => {
    if (!session) return;
    // Given an encrypted topic whose key has the default key policy (the account root only)
    const kms = new KMSClient({ endpoint: session.edge.endpoint, region: 'us-east-1', credentials: session.operator, maxAttempts: 1 });
    const keyId = (await kms.send(new CreateKeyCommand({ Description: 'topic key, default policy' }))).KeyMetadata!.KeyId!;
    const topicArn = await topic('ec2-state-encrypted', 'allows-events', { KmsMasterKeyId: keyId });
    await subscribe(topicArn, 'on-encrypted-topic');
    await rule('ec2-to-encrypted-topic', EC2_RULE_PATTERN, topicArn);
    // When an instance reaches running: dropped, naming the key policy
    await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }));
    await session.idle();
    expect(received('on-encrypted-topic')).toEqual([]);
    expect(session.events.failedDeliveries.find((f) => f.target === topicArn)?.reason).toMatch(/^the key policy of the topic's KMS key does not let EventBridge use it: no statement allows events\.amazonaws\.com to kms:GenerateDataKey/);
    // When the key policy lets EventBridge use the key: delivered
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Root', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'kms:*', Resource: '*' },
        { Sid: 'EventBridge', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:GenerateDataKey*', 'kms:Decrypt'], Resource: '*' },
      ],
    };
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: JSON.stringify(policy) }));
    await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }));
    await session.idle();
    expect(statesViaSns('on-encrypted-topic')).toEqual(['running']);
  }, 60_000);

  it('delivers a direct SNS Publish to the subscribed function once', async () => {
    if (!session) return;
    const topicArn = await topic('ec2-state', 'allows-events'); // CreateTopic of an existing name answers its ARN
    const before = received('on-topic').length;
    const published = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'hello from a client', Subject: 'direct' }));
    await session.idle();
    const added = received('on-topic').slice(before);
    expect(added).toHaveLength(1);
    expect(added[0].Records[0].Sns).toMatchObject({ Message: 'hello from a client', Subject: 'direct', MessageId: published.MessageId });
  }, 60_000);

  it('delivers PutEvents entries to a Lambda target once, and drops them for a function that gave EventBridge no permission', async () => {
    if (!session) return;
    // Given two rules on the same custom source: one to a function that allows this rule, one to a function without permission
    const pattern = JSON.stringify({ source: ['lab.orders'], detail: { amount: [{ numeric: ['>', 100] }] } });
    const allowedRule = await rule('orders-to-function', pattern, fnArn('on-rule'));
    await lambda.send(new AddPermissionCommand({ FunctionName: 'on-rule', StatementId: 'events', Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', SourceArn: allowedRule }));
    const deniedRule = await rule('orders-to-unpermitted-function', pattern, fnArn('on-unpermitted-rule'));
    // When a client puts one matching and one unmatched event
    const put = await events.send(new PutEventsCommand({ Entries: [{ Source: 'lab.orders', DetailType: 'Order', Detail: JSON.stringify({ amount: 250 }) }, { Source: 'lab.orders', DetailType: 'Order', Detail: JSON.stringify({ amount: 5 }) }] }));
    await session.idle();
    // Then the permitted function got the matching event once, with the id PutEvents answered
    const eventIds = put.Entries!.map((e) => e.EventId);
    expect(received('on-rule')).toEqual([expect.objectContaining({ id: eventIds[0], source: 'lab.orders', 'detail-type': 'Order', account: '123456789012', detail: { amount: 250 } })]);
    expect(received('on-unpermitted-rule')).toEqual([]);
    expect(session.events.failedDeliveries.filter((f) => f.source === deniedRule)).toEqual([expect.objectContaining({ messageId: eventIds[0], reason: expect.stringContaining("the function's resource policy does not let EventBridge invoke it") })]);
  }, 60_000);

  it('keeps Lambda Invoke and S3 notifications working beside the bus', async () => {
    if (!session) return;
    const answer = await lambda.send(new InvokeCommand({ FunctionName: 'on-upload', Payload: Buffer.from(JSON.stringify({ direct: true })) }));
    expect(JSON.parse(Buffer.from(answer.Payload!).toString())).toBe('ok');
    const s3 = new S3Client({ endpoint: session.edge.endpoint, region: 'us-east-1', credentials: session.operator, forcePathStyle: true, maxAttempts: 1 });
    await s3.send(new CreateBucketCommand({ Bucket: 'uploads' }));
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'uploads', NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: fnArn('on-upload'), Events: ['s3:ObjectCreated:*'] }] } }));
    await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'a.txt', Body: 'a' }));
    await session.idle();
    expect(received('on-upload').map((e) => e.direct ?? e.Records[0].s3.object.key)).toEqual([true, 'a.txt']);
  }, 60_000);

  it('rejects a rule whose pattern EventBridge would refuse, naming the fault', async () => {
    if (!session) return;
    const refused = events.send(new PutRuleCommand({ Name: 'bad-pattern', EventPattern: JSON.stringify({ detail: { state: [{ numeric: ['>', 'five'] }] } }) }));
    await expect(refused).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
      message: 'Event pattern is not valid. Reason: "detail.state": numeric operator > needs a number, got string "five"',
      $metadata: { httpStatusCode: 400 },
    });
  });
});
