import { randomBytes } from 'node:crypto';
import { Operation } from '../edge/operation';
import { ResourceDirectory, regionOf } from './moto-directory';
import { evaluateResourcePolicy } from './resource-policy';
import { AsyncInvoker, FailedDelivery } from './types';
import { xmlValues } from '../xml';

/** A message published to a topic. */
export interface SnsMessage {
  readonly topicArn: string;
  readonly messageId: string;
  readonly message: string;
  readonly subject?: string;
  /** `json`: the message holds one text per protocol (`lambda`, else `default`). */
  readonly messageStructure?: string;
  readonly messageAttributes?: Readonly<Record<string, { readonly Type: string; readonly Value: string }>>;
  /** @default - now */
  readonly timestamp?: string;
}

export interface SnsFanoutOptions {
  readonly directory: ResourceDirectory;
  readonly invoker: AsyncInvoker;
  readonly accountId: string;
  /** Told about each delivery AWS would not make. */
  readonly onFailure: (failure: FailedDelivery) => void;
  readonly onLog?: (line: string) => void;
}

/** Message attributes as the Query API sends them (`MessageAttributes.entry.N.Name`, `.Value.DataType`, `.Value.StringValue`), or as JSON. */
function attributesOf(params: Record<string, unknown>): Record<string, { Type: string; Value: string }> {
  const attributes: Record<string, { Type: string; Value: string }> = {};
  if (typeof params.MessageAttributes === 'object' && params.MessageAttributes !== null) {
    for (const [name, value] of Object.entries(params.MessageAttributes as Record<string, Record<string, string>>)) {
      attributes[name] = { Type: value.DataType, Value: value.StringValue ?? value.BinaryValue };
    }
    return attributes;
  }
  for (let n = 1; typeof params[`MessageAttributes.entry.${n}.Name`] === 'string'; n++) {
    const entry = `MessageAttributes.entry.${n}`;
    attributes[params[`${entry}.Name`] as string] = {
      Type: String(params[`${entry}.Value.DataType`]),
      Value: String(params[`${entry}.Value.StringValue`] ?? params[`${entry}.Value.BinaryValue`] ?? ''),
    };
  }
  return attributes;
}

/** The message a successful `Publish` through the edge sent to a topic (undefined for SMS or a platform endpoint). */
export function publishedMessage(op: Operation, response: string): SnsMessage | undefined {
  const topicArn = (op.params.TopicArn ?? op.params.TargetArn) as string | undefined;
  if (op.service !== 'sns' || op.name !== 'Publish' || !topicArn || !/^arn:[^:]+:sns:[^:]+:\d+:[^:/]+$/.test(topicArn)) return undefined;
  let messageId = xmlValues(response, 'MessageId')[0];
  if (!messageId) {
    try {
      messageId = (JSON.parse(response) as { MessageId?: string }).MessageId ?? '';
    } catch {
      messageId = '';
    }
  }
  return {
    topicArn,
    messageId,
    message: String(op.params.Message ?? ''),
    subject: op.params.Subject as string | undefined,
    messageStructure: op.params.MessageStructure as string | undefined,
    messageAttributes: attributesOf(op.params),
  };
}

/** The text a Lambda subscriber gets: with MessageStructure json, its `lambda` entry, else `default`. */
function textForLambda(message: SnsMessage): string {
  if (message.messageStructure !== 'json') return message.message;
  try {
    const texts = JSON.parse(message.message) as Record<string, string>;
    return texts.lambda ?? texts.default ?? message.message;
  } catch {
    return message.message;
  }
}

/** The event SNS invokes a subscribed function with (the documented SNS event shape). */
export function snsLambdaEvent(message: SnsMessage, subscriptionArn: string): Record<string, unknown> {
  const host = `https://sns.${regionOf(message.topicArn)}.amazonaws.com`;
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: message.messageId,
          TopicArn: message.topicArn,
          Subject: message.subject ?? null,
          Message: textForLambda(message),
          Timestamp: message.timestamp ?? new Date().toISOString(),
          SignatureVersion: '1',
          Signature: randomBytes(256).toString('base64'),
          SigningCertUrl: `${host}/SimpleNotificationService-local.pem`,
          UnsubscribeUrl: `${host}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscriptionArn)}`,
          MessageAttributes: message.messageAttributes ?? {},
        },
      },
    ],
  };
}

/**
 * SNS delivery to Lambda subscribers, which moto leaves to us: each
 * subscription of protocol `lambda` gets the SNS event through an
 * asynchronous invocation (with the function's retries), if the function's
 * resource policy lets sns.amazonaws.com invoke it for this topic; otherwise
 * the delivery is dropped and reported, as SNS does.
 */
export class SnsFanout {
  constructor(private readonly options: SnsFanoutOptions) {}

  /** Delivers one message to the topic's Lambda subscribers: how many invocations started. */
  async deliver(message: SnsMessage): Promise<number> {
    const fail = (target: string, reason: string) => {
      this.options.onLog?.(`sns: not delivered from ${message.topicArn} to ${target}: ${reason}`);
      this.options.onFailure({ source: message.topicArn, target, reason, messageId: message.messageId, time: new Date().toISOString() });
    };
    let subscriptions;
    try {
      subscriptions = await this.options.directory.lambdaSubscriptions(message.topicArn);
    } catch (error) {
      fail(message.topicArn, `could not list the topic's subscriptions: ${(error as Error).message}`);
      return 0;
    }
    let started = 0;
    for (const subscription of subscriptions) {
      const [, , , region, account, , name] = subscription.endpoint.split(':');
      const functionArn = `arn:aws:lambda:${region}:${account}:function:${name}`;
      try {
        const decision = evaluateResourcePolicy(await this.options.directory.functionPolicy(functionArn), {
          principal: 'sns.amazonaws.com',
          action: 'lambda:InvokeFunction',
          resource: functionArn,
          context: { 'aws:SourceArn': message.topicArn, 'aws:SourceAccount': this.options.accountId },
        });
        if (!decision.allowed) {
          fail(subscription.endpoint, `the function's resource policy does not let SNS invoke it: ${decision.reason}`);
          continue;
        }
      } catch (error) {
        fail(subscription.endpoint, `could not read the function's resource policy: ${(error as Error).message}`);
        continue;
      }
      this.options.invoker.invokeAsync(name, snsLambdaEvent(message, subscription.subscriptionArn));
      started++;
    }
    return started;
  }
}
