import { operationOf } from '../edge/operation';
import { ResourceDirectory } from './moto-directory';
import { SnsFanout, publishedMessage } from './sns-fanout';
import { FailedDelivery } from './types';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alerts';
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:notify';
const SUBSCRIPTION = `${TOPIC}:6f0c-sub`;
const allowSns = (condition: object = { ArnLike: { 'AWS:SourceArn': TOPIC } }) =>
  JSON.stringify({ Statement: [{ Sid: 'sns', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: FN, Condition: condition }] });

function setup(policy: string | undefined, endpoints = [FN]) {
  const invocations: { name: string; event: any }[] = [];
  const failed: FailedDelivery[] = [];
  const directory = {
    lambdaSubscriptions: async () => endpoints.map((endpoint, i) => ({ subscriptionArn: `${SUBSCRIPTION}${i || ''}`, endpoint })),
    functionPolicy: async () => policy,
  } as unknown as ResourceDirectory;
  const fanout = new SnsFanout({ directory, accountId: '123456789012', invoker: { invokeAsync: (name, event) => void invocations.push({ name, event }) }, onFailure: (f) => void failed.push(f) });
  return { fanout, invocations, failed };
}

/** A Publish request as the SDK sends it (Query protocol), seen by the edge. */
function publishCall(form: Record<string, string>) {
  return operationOf({
    method: 'POST',
    url: '/',
    headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20240101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=x', 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(new URLSearchParams({ Action: 'Publish', Version: '2010-03-31', ...form }).toString()),
  });
}

describe('SNS fan-out to Lambda subscribers', () => {
  it('invokes the subscribed function with the documented SNS event', async () => {
    // Given a Publish through the edge, with a subject and an attribute
    const op = publishCall({ TopicArn: TOPIC, Message: 'instance stopped', Subject: 'EC2', 'MessageAttributes.entry.1.Name': 'severity', 'MessageAttributes.entry.1.Value.DataType': 'String', 'MessageAttributes.entry.1.Value.StringValue': 'high' });
    const message = publishedMessage(op, '<PublishResponse><PublishResult><MessageId>5e1a-msg</MessageId></PublishResult></PublishResponse>')!;
    const { fanout, invocations, failed } = setup(allowSns());
    // When it is delivered
    expect(await fanout.deliver(message)).toBe(1);
    // Then the function got one SNS event
    expect(failed).toEqual([]);
    expect(invocations).toHaveLength(1);
    expect(invocations[0].name).toBe('notify');
    expect(invocations[0].event).toEqual({
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: SUBSCRIPTION,
          Sns: {
            Type: 'Notification',
            MessageId: '5e1a-msg',
            TopicArn: TOPIC,
            Subject: 'EC2',
            Message: 'instance stopped',
            Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
            SignatureVersion: '1',
            Signature: expect.any(String),
            SigningCertUrl: expect.stringMatching(/^https:\/\/sns\.us-east-1\.amazonaws\.com\//),
            UnsubscribeUrl: expect.stringContaining('Action=Unsubscribe&SubscriptionArn='),
            MessageAttributes: { severity: { Type: 'String', Value: 'high' } },
          },
        },
      ],
    });
  });

  it('gives a Lambda subscriber the lambda text of a MessageStructure json message, and null without a subject', async () => {
    const op = publishCall({ TopicArn: TOPIC, MessageStructure: 'json', Message: JSON.stringify({ default: 'for everyone', lambda: 'for functions' }) });
    const { fanout, invocations } = setup(allowSns());
    await fanout.deliver(publishedMessage(op, '<MessageId>m-1</MessageId>')!);
    expect(invocations[0].event.Records[0].Sns).toMatchObject({ Message: 'for functions', Subject: null, MessageAttributes: {} });
  });

  it('fails a delivery the function policy does not allow, with the reason, and invokes nothing', async () => {
    const { fanout, invocations, failed } = setup(undefined);
    expect(await fanout.deliver({ topicArn: TOPIC, messageId: 'm-2', message: 'x' })).toBe(0);
    expect(invocations).toEqual([]);
    expect(failed).toEqual([{ source: TOPIC, target: FN, messageId: 'm-2', time: expect.any(String), reason: expect.stringContaining("the function's resource policy does not let SNS invoke it: no resource policy") }]);
  });

  it('fails a delivery from another topic than the permission names', async () => {
    const { fanout, invocations, failed } = setup(allowSns());
    await fanout.deliver({ topicArn: `${TOPIC}-other`, messageId: 'm-3', message: 'x' });
    expect(invocations).toEqual([]);
    expect(failed[0].reason).toContain('aws:SourceArn=arn:aws:sns:us-east-1:123456789012:alerts-other');
  });

  it('reads nothing from calls that are not a Publish to a topic', () => {
    expect(publishedMessage(publishCall({ PhoneNumber: '+15555550100', Message: 'sms' }), '<MessageId>m</MessageId>')).toBeUndefined();
  });
});
