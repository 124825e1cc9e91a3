import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { PolicyDocument } from '../iam/policy-document';
import { statementId } from '../iam/statement-id';
import { KmsKey } from '../kms-key/kms-key';
import { LabStack } from '../lab-stack/lab-stack';
import { NodejsFunction } from '../nodejs-function/nodejs-function';

const EVENTS = 'events.amazonaws.com';

/** The EC2 states a state-change event can report. */
export const EC2_STATES = ['pending', 'running', 'shutting-down', 'stopped', 'stopping', 'terminated'] as const;

export interface Ec2StateAlertsProps {
  /**
   * Name of the SSM SecureString parameter holding the webhook URL, e.g.
   * `/ctlab/suspicious-api/webhook-url`. It is created out of band (the URL
   * never goes through Terraform); the function reads it at run time.
   */
  readonly webhookParameterName: string;
  /**
   * The customer-managed key the parameter is encrypted with: the function
   * then gets `kms:Decrypt` on it, only through SSM.
   * @default - the AWS managed key `aws/ssm`, which needs no grant
   */
  readonly webhookParameterKey?: KmsKey;
  /**
   * Instance states that raise an alert.
   * @default ['running', 'stopped'] - the seed's pattern
   */
  readonly states?: string[];
  /**
   * Key the topic is encrypted with; EventBridge is allowed to use it.
   * @default - a new KmsKey "ec2-alerts" with rotation
   */
  readonly encryptionKey?: KmsKey;
  /**
   * Topic name after the prefix and scenario: `<prefix>-<scenario>-<topicName>`.
   * @default "EC2InstanceChanges" - the seed's name
   */
  readonly topicName?: string;
  /** Days the notifier's logs are kept. @default 30 */
  readonly logRetentionDays?: number;
}

/**
 * The seed's alert pipeline: an EventBridge rule on EC2 instance state changes
 * (`running` and `stopped` by default) publishes to a KMS-encrypted SNS topic
 * that only this rule may publish to, which invokes a notifier Lambda. The
 * notifier looks up the instance's Name tag and type and posts a
 * Slack-compatible message to a webhook whose URL it reads, at run time, from
 * an SSM SecureString parameter: the URL is never in code, Terraform state or
 * environment variables.
 *
 * @example
 * const alerts = new Ec2StateAlerts(this, 'alerts', { webhookParameterName: '/ctlab/suspicious-api/webhook-url' });
 */
export class Ec2StateAlerts extends Construct {
  public readonly rule: CloudwatchEventRule;
  public readonly ruleArn: string;
  public readonly topic: SnsTopic;
  public readonly topicArn: string;
  /** `<prefix>-<scenario>-EC2InstanceChanges`, known at synth. */
  public readonly topicName: string;
  public readonly encryptionKey: KmsKey;
  public readonly notifier: NodejsFunction;
  /** The EventBridge event pattern, as an object. */
  public readonly eventPattern: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, props: Ec2StateAlertsProps) {
    super(scope, id);
    const stack = LabStack.of(this);
    const states = props.states ?? ['running', 'stopped'];
    validate(props, states);
    const { partition, region, accountId } = stack;

    this.eventPattern = { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: states } };
    this.rule = new CloudwatchEventRule(this, 'rule', {
      name: stack.naming.name('ec2-state-changes'),
      description: `EC2 instances entering ${states.join(' or ')}: to the ${props.topicName ?? 'EC2InstanceChanges'} topic`,
      eventPattern: JSON.stringify(this.eventPattern),
    });
    this.ruleArn = this.rule.arn;

    this.encryptionKey = props.encryptionKey ?? new KmsKey(this, 'key', { alias: 'ec2-alerts', description: 'Encrypts the EC2 state-change alerts topic' });
    // EventBridge publishes to the encrypted topic, so it must be able to make a data key with this key.
    this.encryptionKey.addToResourcePolicy({
      sid: statementId('EventBridgePublishEncrypted', id),
      principals: [{ type: 'Service', identifiers: [EVENTS] }],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
    });

    this.topicName = stack.naming.name(props.topicName ?? 'EC2InstanceChanges');
    this.topic = new SnsTopic(this, 'topic', { name: this.topicName, kmsMasterKeyId: this.encryptionKey.keyArn });
    this.topicArn = this.topic.arn;
    const topicPolicy = new PolicyDocument(this, 'topic-policy', {
      statements: [
        {
          sid: 'EventBridgeRulePublishes',
          principals: [{ type: 'Service', identifiers: [EVENTS] }],
          actions: ['sns:Publish'],
          resources: [this.topic.arn],
          conditions: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [this.rule.arn] }],
        },
        {
          // Without it, any principal of the account with sns:Publish could post a fake alert.
          sid: 'DenyPublishExceptThisRule',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['sns:Publish'],
          resources: [this.topic.arn],
          conditions: [{ test: 'ArnNotEquals', variable: 'aws:SourceArn', values: [this.rule.arn] }],
        },
      ],
    });
    new SnsTopicPolicy(this, 'topic-policy-attachment', { arn: this.topic.arn, policy: topicPolicy.json });
    new CloudwatchEventTarget(this, 'target', { rule: this.rule.name, targetId: 'ec2-instance-changes-topic', arn: this.topic.arn });

    this.notifier = new NodejsFunction(this, 'notifier', {
      name: 'ec2-alert-notifier',
      handler: 'ec2-alert-notifier',
      description: 'Posts EC2 state changes to the webhook named in an SSM parameter',
      environment: { WEBHOOK_PARAMETER_NAME: props.webhookParameterName },
      // Three POSTs of at most 5 s each, with 1 s and 2 s between them, fit with room to spare.
      timeoutSeconds: 60,
      logRetentionDays: props.logRetentionDays,
    });
    this.notifier.role.addToPrincipalPolicy({
      sid: 'ReadWebhookParameter',
      actions: ['ssm:GetParameter'],
      resources: [parameterArn(props.webhookParameterName, partition, region, accountId)],
    });
    props.webhookParameterKey?.grantDecrypt(this.notifier.role, [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`ssm.${region}.amazonaws.com`] }]);
    this.notifier.role.addToPrincipalPolicy({ sid: 'DescribeInstances', actions: ['ec2:DescribeInstances'], resources: ['*'] });

    const permission = new LambdaPermission(this, 'allow-sns', {
      statementId: 'AllowAlertsTopic',
      action: 'lambda:InvokeFunction',
      functionName: this.notifier.functionName,
      principal: 'sns.amazonaws.com',
      sourceArn: this.topic.arn,
    });
    new SnsTopicSubscription(this, 'subscription', {
      topicArn: this.topic.arn,
      protocol: 'lambda',
      endpoint: this.notifier.functionArn,
      dependsOn: [permission],
    });
  }
}

/** `arn:...:parameter/name` for `name` and for `/path/name` alike. */
export function parameterArn(name: string, partition: string, region: string, accountId: string): string {
  return `arn:${partition}:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, '')}`;
}

function validate(props: Ec2StateAlertsProps, states: string[]): void {
  const name = props.webhookParameterName;
  if (!/^[A-Za-z0-9_.\-/]{1,1011}$/.test(name)) {
    throw new Error(`webhookParameterName "${name}" must be 1 to 1011 letters, digits, "_", ".", "-" or "/" (an SSM parameter name)`);
  }
  if (name.includes('/') && !name.startsWith('/')) {
    throw new Error(`webhookParameterName "${name}": a parameter name with a path starts with "/", e.g. /${name}`);
  }
  if (/^\/?(aws|ssm)/i.test(name)) throw new Error(`webhookParameterName "${name}": SSM reserves names starting with "aws" or "ssm"`);
  if (states.length === 0) throw new Error('states is empty: the rule would match no state change');
  for (const state of states) {
    if (!(EC2_STATES as readonly string[]).includes(state)) throw new Error(`states: "${state}" is not an EC2 instance state; the states are ${EC2_STATES.join(', ')}`);
  }
  if (props.topicName !== undefined && !/^[A-Za-z0-9_-]{1,200}$/.test(props.topicName)) {
    throw new Error(`topicName "${props.topicName}" may only contain letters, digits, "_" and "-"`);
  }
}
