import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetTopicAttributesCommand, PublishCommand, SNSClient, paginateListSubscriptionsByTopic } from '@aws-sdk/client-sns';
import { directMotoConfig } from '../moto-server';

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

/** The bus reads moto directly, not through the edge (so its reads are not recorded); moto takes any key. */

/**
 * A failed call, saying what could not be read and why, e.g. `SNS
 * GetTopicAttributes of topic arn:aws:sns:us-east-1:123456789012:alerts
 * failed (NotFoundException, HTTP 404): Topic does not exist`.
 */
function readFailure(what: string, error: unknown): Error {
  const e = error as Error & { $metadata?: { httpStatusCode?: number }; code?: string };
  const status = e.$metadata?.httpStatusCode;
  const kind = e.name && e.name !== 'Error' ? e.name : e.code;
  const detail = [kind, status ? `HTTP ${status}` : undefined].filter(Boolean).join(', ');
  return new Error(`${what} failed${detail ? ` (${detail})` : ''}: ${e.message || 'no message'}`, { cause: error });
}

type Client = EventBridgeClient | SNSClient | LambdaClient | KMSClient;
type ClientType<T extends Client> = new (config: object) => T;

/** The directory over moto's own APIs, through SDK clients made once per service and region. */
export class MotoDirectory implements ResourceDirectory {
  private readonly clients = new Map<ClientType<Client>, Map<string, Client>>();

  constructor(private readonly motoEndpoint: string) {}

  private client<T extends Client>(Type: ClientType<T>, region: string): T {
    let byRegion = this.clients.get(Type);
    if (!byRegion) this.clients.set(Type, (byRegion = new Map()));
    let client = byRegion.get(region) as T | undefined;
    if (!client) byRegion.set(region, (client = new Type({ ...directMotoConfig(this.motoEndpoint, region, 'AKIALOCALEVENTBUS001'), maxAttempts: 1 })));
    return client;
  }

  async rules(region: string): Promise<BusRule[]> {
    const events = this.client(EventBridgeClient, region);
    const rules: BusRule[] = [];
    let token: string | undefined;
    do {
      const page = await events.send(new ListRulesCommand({ EventBusName: 'default', NextToken: token })).catch((error: unknown) => {
        throw readFailure(`EventBridge ListRules on the default bus of ${region}`, error);
      });
      for (const rule of page.Rules ?? []) {
        const name = rule.Name ?? '';
        const targets: RuleTarget[] = [];
        let targetToken: string | undefined;
        do {
          const listed = await events.send(new ListTargetsByRuleCommand({ Rule: name, EventBusName: 'default', NextToken: targetToken })).catch((error: unknown) => {
            throw readFailure(`EventBridge ListTargetsByRule of rule ${rule.Arn ?? name}`, error);
          });
          for (const target of listed.Targets ?? []) {
            targets.push({ Id: target.Id ?? '', Arn: target.Arn ?? '', Input: target.Input, InputPath: target.InputPath, InputTransformer: target.InputTransformer });
          }
          targetToken = listed.NextToken;
        } while (targetToken);
        rules.push({ name, arn: rule.Arn ?? '', state: rule.State ?? '', eventPattern: rule.EventPattern, targets });
      }
      token = page.NextToken;
    } while (token);
    return rules;
  }

  async topicAttributes(topicArn: string): Promise<Record<string, string>> {
    const sns = this.client(SNSClient, regionOf(topicArn));
    const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn })).catch((error: unknown) => {
      throw readFailure(`SNS GetTopicAttributes of topic ${topicArn}`, error);
    });
    return { ...Attributes };
  }

  async lambdaSubscriptions(topicArn: string): Promise<LambdaSubscription[]> {
    const sns = this.client(SNSClient, regionOf(topicArn));
    const found: LambdaSubscription[] = [];
    try {
      for await (const page of paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: topicArn })) {
        for (const subscription of page.Subscriptions ?? []) {
          if (subscription.Protocol !== 'lambda') continue;
          found.push({ subscriptionArn: subscription.SubscriptionArn ?? '', endpoint: subscription.Endpoint ?? '' });
        }
      }
    } catch (error) {
      throw readFailure(`SNS ListSubscriptionsByTopic of topic ${topicArn}`, error);
    }
    return found;
  }

  async functionPolicy(functionArn: string): Promise<string | undefined> {
    const lambda = this.client(LambdaClient, regionOf(functionArn));
    try {
      return (await lambda.send(new GetPolicyCommand({ FunctionName: functionArn }))).Policy;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw readFailure(`Lambda GetPolicy of function ${functionArn}`, error);
    }
  }

  async keyPolicy(keyId: string, region: string): Promise<KeyPolicy> {
    const kms = this.client(KMSClient, keyId.startsWith('arn:') ? regionOf(keyId) : region);
    const described = await kms.send(new DescribeKeyCommand({ KeyId: keyId })).catch((error: unknown) => {
      throw readFailure(`KMS DescribeKey of key ${keyId}`, error);
    });
    const metadata = described.KeyMetadata;
    if (!metadata?.KeyId || !metadata.Arn) throw new Error(`KMS DescribeKey of key ${keyId} answered no key metadata`);
    const { Policy } = await kms.send(new GetKeyPolicyCommand({ KeyId: metadata.KeyId, PolicyName: 'default' })).catch((error: unknown) => {
      throw readFailure(`KMS GetKeyPolicy of key ${metadata.Arn}`, error);
    });
    return { keyArn: metadata.Arn, policy: Policy, awsManaged: metadata.KeyManager === 'AWS' };
  }

  async publish(topicArn: string, message: string): Promise<string> {
    const sns = this.client(SNSClient, regionOf(topicArn));
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: message })).catch((error: unknown) => {
      throw readFailure(`SNS Publish to topic ${topicArn}`, error);
    });
    if (!MessageId) throw new Error(`SNS Publish to topic ${topicArn} answered no MessageId`);
    return MessageId;
  }
}
