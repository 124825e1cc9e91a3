import { Testing } from 'cdktf';
import { readSettings } from '../../deployment/settings';
import { TEST_SETTINGS, resourcesOf, synthObject } from '../../modules/lab-stack/testing';
import { MISSING_CIDRS_MESSAGE, suspiciousApi } from './stack';

const SETTINGS = { ...TEST_SETTINGS, allowedCidrs: ['203.0.113.7/32'] };

describe('suspicious-api scenario (seed 002)', () => {
  const stack = suspiciousApi.build(Testing.app(), SETTINGS);

  it('records read and write management events in an all-region, KMS-encrypted trail', () => {
    const [trail] = resourcesOf(stack, 'aws_cloudtrail');
    expect(trail).toMatchObject({ name: 'ctlab-suspicious-api-trail', is_multi_region_trail: true, enable_log_file_validation: true });
    const selectors = trail.advanced_event_selector as { name: string; field_selector: unknown[] }[];
    expect(selectors).toEqual([{ name: 'Management events', field_selector: [{ field: 'eventCategory', equals: ['Management'] }] }]);
  });

  it('deploys the cat API open only to the configured CIDRs, and the EC2 alert pipeline to the default webhook parameter', () => {
    expect(resourcesOf(stack, 'aws_vpc_security_group_ingress_rule').map((r) => r.cidr_ipv4)).toEqual(['203.0.113.7/32']);
    expect(resourcesOf(stack, 'aws_instance')).toHaveLength(1);
    expect(resourcesOf(stack, 'aws_sns_topic').map((t) => t.name)).toEqual(['ctlab-suspicious-api-EC2InstanceChanges']);
    const notifier = resourcesOf(stack, 'aws_lambda_function')[0] as { environment: { variables: Record<string, string> } };
    expect(notifier.environment.variables.WEBHOOK_PARAMETER_NAME).toBe('/ctlab/suspicious-api/webhook-url');
  });

  it('outputs what the walkthrough needs', () => {
    const outputs = synthObject(stack).output as Record<string, unknown>;
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'alerts_function',
        'alerts_topic_arn',
        'api_environment',
        'api_instance_id',
        'api_role_name',
        'api_url',
        'athena_database',
        'athena_workgroup',
        'miner_launched_by',
        'trail_bucket',
        'trail_name',
        'webhook_parameter',
      ].sort(),
    );
  });

  it('passes the policy checks with no finding', () => {
    synthObject(stack);
    expect(stack.policyChecks.findings).toEqual([]);
  });

  it('takes the webhook parameter name from CTLAB_WEBHOOK_PARAMETER', () => {
    const custom = suspiciousApi.build(Testing.app(), { ...SETTINGS, webhookParameter: '/team-7/slack' });
    const notifier = resourcesOf(custom, 'aws_lambda_function')[0] as { environment: { variables: Record<string, string> } };
    expect(notifier.environment.variables.WEBHOOK_PARAMETER_NAME).toBe('/team-7/slack');
  });

  it('without CTLAB_ALLOWED_CIDRS still synthesizes (other labs keep working), opens nothing, and stops the plan with what to set', () => {
    const unset = suspiciousApi.build(Testing.app(), TEST_SETTINGS);
    const out = synthObject(unset) as unknown as { locals: Record<string, unknown>; resource: Record<string, Record<string, { lifecycle?: unknown }>> };
    expect(resourcesOf(unset, 'aws_vpc_security_group_ingress_rule')).toEqual([]);
    expect(out.locals.allowed_cidrs).toEqual([]);
    expect(Object.values(out.resource.aws_instance)[0].lifecycle).toEqual({
      precondition: [{ condition: '${(length(local.allowed_cidrs) >= 1)}', error_message: MISSING_CIDRS_MESSAGE }],
    });
    expect(MISSING_CIDRS_MESSAGE).toMatch(/^CTLAB_ALLOWED_CIDRS is not set: .* CTLAB_ALLOWED_CIDRS=203\.0\.113\.7\/32/);
  });

  it('offline (a local endpoint) defaults to loopback only', () => {
    const local = suspiciousApi.build(Testing.app(), { ...TEST_SETTINGS, endpoint: 'http://127.0.0.1:4566' });
    expect(resourcesOf(local, 'aws_vpc_security_group_ingress_rule').map((r) => r.cidr_ipv4)).toEqual(['127.0.0.1/32']);
  });
});

describe('CTLAB_ALLOWED_CIDRS', () => {
  it('reads a comma- or space-separated list', () => {
    expect(readSettings({ CTLAB_ALLOWED_CIDRS: '203.0.113.7/32, 198.51.100.0/24 2001:db8::/64' }).allowedCidrs).toEqual(['203.0.113.7/32', '198.51.100.0/24', '2001:db8::/64']);
    expect(readSettings({}).allowedCidrs).toBeUndefined();
  });

  it.each([
    ['0.0.0.0/0', 'CTLAB_ALLOWED_CIDRS contains 0.0.0.0/0, which would open the cat API to the whole internet: give your own address instead, e.g. your IP as 203.0.113.7/32'],
    ['203.0.113.7/32,::/0', /CTLAB_ALLOWED_CIDRS contains ::\/0/],
    ['203.0.113.7', /CTLAB_ALLOWED_CIDRS entry "203.0.113.7" is not a CIDR block such as 203.0.113.7\/32/],
    [' , ', /CTLAB_ALLOWED_CIDRS is set but lists no CIDR block/],
  ])('rejects %s', (value, message) => {
    expect(() => readSettings({ CTLAB_ALLOWED_CIDRS: value })).toThrow(message);
  });
});
