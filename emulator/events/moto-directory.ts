import { GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { AwsApiError, AwsTarget, jsonCall, queryCall, xmlBlocks, xmlValues } from './aws-request';

/** An EventBridge rule on the default bus, with its targets, as moto holds them. */
export interface BusRule {
  readonly name: string;
  readonly arn: string;
  readonly state: string;
  /** The pattern as JSON text; undefined for a scheduled rule. */
  readonly eventPattern?: string;
  readonly targets: readonly RuleTarget[];
}

export interface RuleTarget {
  readonly Id: string;
  readonly Arn: string;
  readonly Input?: string;
  readonly InputPath?: string;
  readonly InputTransformer?: unknown;
}

export interface LambdaSubscription {
  readonly subscriptionArn: string;
  /** The function ARN. */
  readonly endpoint: string;
}

export interface KeyPolicy {
  readonly keyArn: string;
  readonly policy?: string;
  /** An AWS managed key (alias/aws/sns): its policy cannot be changed to let other services in. */
  readonly awsManaged: boolean;
}

/** What the local deliveries read: from moto directly (tests give a fake). */
export interface ResourceDirectory {
  rules(region: string): Promise<BusRule[]>;
  topicAttributes(topicArn: string): Promise<Record<string, string>>;
  lambdaSubscriptions(topicArn: string): Promise<LambdaSubscription[]>;
  /** The function's resource policy; undefined when it has none. */
  functionPolicy(functionArn: string): Promise<string | undefined>;
  keyPolicy(keyId: string, region: string): Promise<KeyPolicy>;
  /** Publishes to a topic as a service would, not through the edge: the new message id. */
  publish(topicArn: string, message: string): Promise<string>;
}

/** Region of an ARN (`arn:aws:sns:<region>:...`). */
export function regionOf(arn: string): string {
  return arn.split(':')[3];
}

const CREDENTIALS = { accessKeyId: 'AKIALOCALEVENTBUS001', secretAccessKey: 'local' };

/** The directory over moto's own APIs. */
export class MotoDirectory implements ResourceDirectory {
  private readonly lambdas = new Map<string, LambdaClient>();
  private readonly kms = new Map<string, KMSClient>();

  constructor(private readonly motoEndpoint: string) {}

  private target(region: string): AwsTarget {
    return { endpoint: this.motoEndpoint, region, credentials: CREDENTIALS };
  }

  private client<T>(cache: Map<string, T>, region: string, Type: new (config: object) => T): T {
    const known = cache.get(region);
    if (known) return known;
    const client = new Type({ endpoint: this.motoEndpoint, region, credentials: CREDENTIALS, maxAttempts: 1 });
    cache.set(region, client);
    return client;
  }

  async rules(region: string): Promise<BusRule[]> {
    const events = (operation: string, body: object) => jsonCall(this.target(region), 'events', 'AWSEvents', operation, body);
    const rules: BusRule[] = [];
    let token: string | undefined;
    do {
      const page = (await events('ListRules', { EventBusName: 'default', ...(token ? { NextToken: token } : {}) })) as { Rules?: { Name: string; Arn: string; State: string; EventPattern?: string }[]; NextToken?: string };
      for (const rule of page.Rules ?? []) {
        const targets: RuleTarget[] = [];
        let targetToken: string | undefined;
        do {
          const listed = (await events('ListTargetsByRule', { Rule: rule.Name, EventBusName: 'default', ...(targetToken ? { NextToken: targetToken } : {}) })) as { Targets?: RuleTarget[]; NextToken?: string };
          targets.push(...(listed.Targets ?? []));
          targetToken = listed.NextToken;
        } while (targetToken);
        rules.push({ name: rule.Name, arn: rule.Arn, state: rule.State, eventPattern: rule.EventPattern, targets });
      }
      token = page.NextToken;
    } while (token);
    return rules;
  }

  private sns(topicArn: string, action: string, params: Record<string, string | undefined>): Promise<string> {
    return queryCall(this.target(regionOf(topicArn)), 'sns', '2010-03-31', action, params);
  }

  async topicAttributes(topicArn: string): Promise<Record<string, string>> {
    const xml = await this.sns(topicArn, 'GetTopicAttributes', { TopicArn: topicArn });
    return Object.fromEntries(xmlBlocks(xml, 'entry').map((entry) => [xmlValues(entry, 'key')[0], xmlValues(entry, 'value')[0] ?? '']));
  }

  async lambdaSubscriptions(topicArn: string): Promise<LambdaSubscription[]> {
    const found: LambdaSubscription[] = [];
    let token: string | undefined;
    do {
      const xml = await this.sns(topicArn, 'ListSubscriptionsByTopic', { TopicArn: topicArn, NextToken: token });
      for (const member of xmlBlocks(xml, 'member')) {
        if (xmlValues(member, 'Protocol')[0] !== 'lambda') continue;
        found.push({ subscriptionArn: xmlValues(member, 'SubscriptionArn')[0], endpoint: xmlValues(member, 'Endpoint')[0] });
      }
      token = xmlValues(xml, 'NextToken')[0] || undefined;
    } while (token);
    return found;
  }

  async functionPolicy(functionArn: string): Promise<string | undefined> {
    const lambda = this.client(this.lambdas, regionOf(functionArn), LambdaClient);
    try {
      return (await lambda.send(new GetPolicyCommand({ FunctionName: functionArn }))).Policy;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }

  async keyPolicy(keyId: string, region: string): Promise<KeyPolicy> {
    const kms = this.client(this.kms, keyId.startsWith('arn:') ? regionOf(keyId) : region, KMSClient);
    const described = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    const metadata = described.KeyMetadata;
    if (!metadata?.KeyId || !metadata.Arn) throw new Error(`KMS key ${keyId}: DescribeKey answered no key metadata`);
    const { Policy } = await kms.send(new GetKeyPolicyCommand({ KeyId: metadata.KeyId, PolicyName: 'default' }));
    return { keyArn: metadata.Arn, policy: Policy, awsManaged: metadata.KeyManager === 'AWS' };
  }

  async publish(topicArn: string, message: string): Promise<string> {
    const xml = await this.sns(topicArn, 'Publish', { TopicArn: topicArn, Message: message });
    const id = xmlValues(xml, 'MessageId')[0];
    if (!id) throw new AwsApiError('sns Publish', 200, undefined, `no MessageId in the answer: ${xml.slice(0, 200)}`);
    return id;
  }
}
