import * as path from 'node:path';
import { KmsKey } from '../kms-key/kms-key';
import { newTestStack, ref, resourcesOf, statementWithSid, synthObject } from '../lab-stack/testing';
import { bundleHandler } from '../nodejs-function/bundle';
import { LAMBDA_SRC } from '../nodejs-function/nodejs-function';
import { Ec2StateAlerts, Ec2StateAlertsProps } from './ec2-state-alerts';

const PARAMETER = '/ctlab/suspicious-api/webhook-url';

function build(props: Partial<Ec2StateAlertsProps> = {}) {
  const stack = newTestStack('suspicious-api');
  const alerts = new Ec2StateAlerts(stack, 'alerts', { webhookParameterName: PARAMETER, ...props });
  return { stack, alerts };
}

describe('Ec2StateAlerts', () => {
  it("matches the seed's pattern: EC2 instances entering running or stopped", () => {
    const { stack } = build();
    const [rule] = resourcesOf(stack, 'aws_cloudwatch_event_rule');
    expect(rule.name).toBe('ctlab-suspicious-api-ec2-state-changes');
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['running', 'stopped'] },
    });
    expect(resourcesOf(stack, 'aws_cloudwatch_event_target')[0]).toMatchObject({ rule: ref('aws_cloudwatch_event_rule', 'alerts_rule', 'name'), arn: ref('aws_sns_topic', 'alerts_topic', 'arn') });
  });

  it('sends to a KMS-encrypted EC2InstanceChanges topic that only this rule may publish to', () => {
    const { stack } = build();
    expect(resourcesOf(stack, 'aws_sns_topic')[0]).toMatchObject({ name: 'ctlab-suspicious-api-EC2InstanceChanges', kms_master_key_id: ref('aws_kms_key', 'alerts_key', 'arn') });
    expect(statementWithSid(stack, 'EventBridgeRulePublishes')).toMatchObject({
      principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
      actions: ['sns:Publish'],
      resources: [ref('aws_sns_topic', 'alerts_topic', 'arn')],
      condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [ref('aws_cloudwatch_event_rule', 'alerts_rule', 'arn')] }],
    });
    expect(statementWithSid(stack, 'DenyPublishExceptThisRule')).toMatchObject({
      effect: 'Deny',
      principals: [{ type: '*', identifiers: ['*'] }],
      actions: ['sns:Publish'],
      condition: [{ test: 'ArnNotEquals', variable: 'aws:SourceArn', values: [ref('aws_cloudwatch_event_rule', 'alerts_rule', 'arn')] }],
    });
    expect(statementWithSid(stack, 'EventBridgePublishEncryptedAlerts')).toMatchObject({
      principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    });
    expect(resourcesOf(stack, 'aws_kms_key')[0].enable_key_rotation).toBe(true);
  });

  it('subscribes the notifier, which SNS may invoke only from this topic', () => {
    const { stack } = build();
    expect(resourcesOf(stack, 'aws_sns_topic_subscription')[0]).toMatchObject({
      topic_arn: ref('aws_sns_topic', 'alerts_topic', 'arn'),
      protocol: 'lambda',
      endpoint: ref('aws_lambda_function', 'alerts_notifier_function', 'arn'),
    });
    expect(resourcesOf(stack, 'aws_lambda_permission')[0]).toMatchObject({
      action: 'lambda:InvokeFunction',
      principal: 'sns.amazonaws.com',
      source_arn: ref('aws_sns_topic', 'alerts_topic', 'arn'),
    });
  });

  it('gives the notifier the parameter NAME only, and may read that one parameter and describe instances', () => {
    const { stack } = build();
    const [fn] = resourcesOf(stack, 'aws_lambda_function');
    expect(fn).toMatchObject({
      function_name: 'ctlab-suspicious-api-ec2-alert-notifier',
      source_code_hash: bundleHandler(path.join(LAMBDA_SRC, 'ec2-alert-notifier', 'index.ts')).hash,
      environment: { variables: { WEBHOOK_PARAMETER_NAME: PARAMETER, NODE_OPTIONS: '--enable-source-maps' } },
    });
    expect(statementWithSid(stack, 'ReadWebhookParameter')).toMatchObject({
      actions: ['ssm:GetParameter'],
      resources: ['arn:${data.aws_partition.partition.partition}:ssm:us-east-1:${data.aws_caller_identity.caller.account_id}:parameter/ctlab/suspicious-api/webhook-url'],
    });
    expect(statementWithSid(stack, 'DescribeInstances')).toMatchObject({ actions: ['ec2:DescribeInstances'], resources: ['*'] });
    // No SSM parameter resource: the URL never passes through Terraform.
    expect(resourcesOf(stack, 'aws_ssm_parameter')).toEqual([]);
  });

  it('grants kms:Decrypt through SSM only when the parameter uses a customer-managed key', () => {
    const stack = newTestStack('suspicious-api');
    const key = new KmsKey(stack, 'webhook-key', { alias: 'webhook' });
    new Ec2StateAlerts(stack, 'alerts', { webhookParameterName: 'team-webhook', webhookParameterKey: key });
    expect(statementWithSid(stack, 'DecryptWebhook')).toMatchObject({
      actions: ['kms:Decrypt'],
      resources: [ref('aws_kms_key', 'webhook-key', 'arn')],
      condition: [{ test: 'StringEquals', variable: 'kms:ViaService', values: ['ssm.us-east-1.amazonaws.com'] }],
    });
    expect(statementWithSid(stack, 'ReadWebhookParameter').resources).toEqual([expect.stringMatching(/:parameter\/team-webhook$/)]);
  });

  it('passes the policy checks with no finding', () => {
    const { stack } = build();
    synthObject(stack);
    expect(stack.policyChecks.findings).toEqual([]);
  });

  it.each([
    [{ webhookParameterName: 'has space' }, /webhookParameterName "has space" must be 1 to 1011 letters/],
    [{ webhookParameterName: 'team/webhook' }, /a parameter name with a path starts with "\/", e.g. \/team\/webhook/],
    [{ webhookParameterName: '/aws/webhook' }, /SSM reserves names starting with "aws" or "ssm"/],
    [{ states: [] }, /states is empty/],
    [{ states: ['running', 'exploded'] }, /states: "exploded" is not an EC2 instance state/],
  ])('rejects %p', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });
});
