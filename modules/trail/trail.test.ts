import { Group } from '../iam/group';
import { KmsKey } from '../kms-key/kms-key';
import { address, newTestStack, ref, resourcesOf, statementWithSid } from '../lab-stack/testing';
import { SecureBucket } from '../secure-bucket/secure-bucket';
import { Trail } from './trail';

const TRAIL_ARN = 'arn:${data.aws_partition.partition.partition}:cloudtrail:us-east-1:${data.aws_caller_identity.caller.account_id}:trail/ctlab-test-lab-trail';
const SOURCE_ARN = { test: 'StringEquals', variable: 'aws:SourceArn', values: [TRAIL_ARN] };

function trailResource(stack: ReturnType<typeof newTestStack>) {
  return resourcesOf(stack, 'aws_cloudtrail')[0];
}

describe('Trail', () => {
  it('records every region, global services, read and write management events, with log file validation', () => {
    const stack = newTestStack();
    new Trail(stack, 'trail');
    expect(trailResource(stack)).toMatchObject({
      name: 'ctlab-test-lab-trail',
      is_multi_region_trail: true,
      include_global_service_events: true,
      enable_log_file_validation: true,
      enable_logging: true,
      advanced_event_selector: [{ name: 'Management events', field_selector: [{ field: 'eventCategory', equals: ['Management'] }] }],
    });
  });

  it('encrypts log files with a new rotating key whose policy lets only this trail use it', () => {
    const stack = newTestStack();
    new Trail(stack, 'trail');
    expect(trailResource(stack).kms_key_id).toEqual(ref('aws_kms_key', 'trail_key', 'arn'));
    expect(resourcesOf(stack, 'aws_kms_key')[0].enable_key_rotation).toBe(true);
    expect(statementWithSid(stack, 'CloudTrailEncryptLogsTrail')).toMatchObject({
      principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }],
      actions: ['kms:GenerateDataKey*'],
      condition: [
        SOURCE_ARN,
        { test: 'StringLike', variable: 'kms:EncryptionContext:aws:cloudtrail:arn', values: ['arn:${data.aws_partition.partition.partition}:cloudtrail:*:${data.aws_caller_identity.caller.account_id}:trail/*'] },
      ],
    });
    expect(statementWithSid(stack, 'CloudTrailDescribeKeyTrail')).toMatchObject({ actions: ['kms:DescribeKey'], condition: [SOURCE_ARN] });
  });

  it('writes to its own bucket whose policy is the documented CloudTrail policy with aws:SourceArn', () => {
    const stack = newTestStack();
    new Trail(stack, 'trail');
    expect(statementWithSid(stack, 'CloudTrailAclCheckTrail')).toMatchObject({
      actions: ['s3:GetBucketAcl'],
      resources: [ref('aws_s3_bucket', 'trail_bucket', 'arn')],
      condition: [SOURCE_ARN],
    });
    expect(statementWithSid(stack, 'CloudTrailWriteTrail')).toMatchObject({
      actions: ['s3:PutObject'],
      resources: [ref('aws_s3_bucket', 'trail_bucket', 'arn', '/AWSLogs/${data.aws_caller_identity.caller.account_id}/*')],
      condition: [{ test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] }, SOURCE_ARN],
    });
    expect(trailResource(stack).depends_on).toEqual([address('aws_s3_bucket_policy', 'trail_bucket_bucket-policy')]);
  });

  it('sends the trail bucket access logs to a second bucket by default (CIS 3.4)', () => {
    const stack = newTestStack();
    new Trail(stack, 'trail');
    expect(resourcesOf(stack, 'aws_s3_bucket')).toHaveLength(2);
    expect(resourcesOf(stack, 'aws_s3_bucket_logging')[0]).toMatchObject({
      bucket: ref('aws_s3_bucket', 'trail_bucket', 'id'),
      target_bucket: ref('aws_s3_bucket', 'trail_access-logs_bucket', 'bucket'),
    });
  });

  it('selects S3 object events for the given buckets and Lambda invocations for the given functions', () => {
    const stack = newTestStack();
    const data = new SecureBucket(stack, 'data', { purpose: 'data' });
    const writes = new SecureBucket(stack, 'writes', { purpose: 'writes' });
    new Trail(stack, 'trail', {
      s3DataEvents: [{ bucket: data }, { bucket: writes, access: 'WriteOnly' }],
      lambdaDataEvents: [{ functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:app-1' }],
    });
    const selectors = trailResource(stack).advanced_event_selector as { name: string; field_selector: unknown[] }[];
    expect(selectors.map((s) => s.name)).toEqual(['Management events', 'S3 object events (All)', 'S3 object events (WriteOnly)', 'Lambda invocations']);
    expect(selectors[1].field_selector).toEqual([
      { field: 'eventCategory', equals: ['Data'] },
      { field: 'resources.type', equals: ['AWS::S3::Object'] },
      { field: 'resources.ARN', starts_with: [ref('aws_s3_bucket', 'data_bucket', 'arn', '/')] },
    ]);
    expect(selectors[2].field_selector).toContainEqual({ field: 'readOnly', equals: ['false'] });
    expect(selectors[3].field_selector).toContainEqual({ field: 'resources.ARN', equals: ['arn:aws:lambda:us-east-1:123456789012:function:app-1'] });
  });

  it('can record only read management events and leave sources out', () => {
    const stack = newTestStack();
    new Trail(stack, 'trail', { managementEvents: 'ReadOnly', excludeManagementEventSources: ['kms.amazonaws.com'] });
    const [management] = trailResource(stack).advanced_event_selector as { field_selector: unknown[] }[];
    expect(management.field_selector).toEqual([
      { field: 'eventCategory', equals: ['Management'] },
      { field: 'readOnly', equals: ['true'] },
      { field: 'eventSource', not_equals: ['kms.amazonaws.com'] },
    ]);
  });

  it('delivers to CloudWatch Logs through a role only CloudTrail can assume, for this trail', () => {
    const stack = newTestStack();
    new Trail(stack, 'trail', { cloudWatchLogsRetentionDays: 90 });
    expect(resourcesOf(stack, 'aws_cloudwatch_log_group')[0]).toMatchObject({ name: '/aws/cloudtrail/ctlab-test-lab-trail', retention_in_days: 90 });
    expect(trailResource(stack).cloud_watch_logs_group_arn).toEqual(ref('aws_cloudwatch_log_group', 'trail_log-group', 'arn', ':*'));
    expect(statementWithSid(stack, 'AssumedByService')).toMatchObject({ principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }], condition: [SOURCE_ARN] });
    expect(statementWithSid(stack, 'DeliverToLogGroup')).toMatchObject({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [ref('aws_cloudwatch_log_group', 'trail_log-group', 'arn', ':log-stream:*')],
    });
  });

  it('notifies an encrypted SNS topic on delivery when asked', () => {
    const stack = newTestStack();
    new Trail(stack, 'trail', { snsNotifications: true });
    expect(trailResource(stack).sns_topic_name).toEqual(ref('aws_sns_topic', 'trail_topic', 'name'));
    expect(resourcesOf(stack, 'aws_sns_topic')[0].kms_master_key_id).toEqual(ref('aws_kms_key', 'trail_key', 'arn'));
    expect(statementWithSid(stack, 'CloudTrailPublish')).toMatchObject({ actions: ['SNS:Publish'], condition: [SOURCE_ARN] });
  });

  it('grants readers the log objects and a decrypt limited to the CloudTrail encryption context', () => {
    const stack = newTestStack();
    const trail = new Trail(stack, 'trail');
    trail.grantRead(new Group(stack, 'auditors', { name: 'auditors' }));
    expect(statementWithSid(stack, 'ReadTrailLogsTrail')).toMatchObject({ actions: ['s3:GetObject'], resources: [ref('aws_s3_bucket', 'trail_bucket', 'arn', '/AWSLogs/*')] });
    expect(statementWithSid(stack, 'DecryptTrail')).toMatchObject({
      actions: ['kms:Decrypt'],
      resources: [ref('aws_kms_key', 'trail_key', 'arn')],
      condition: [expect.objectContaining({ variable: 'kms:EncryptionContext:aws:cloudtrail:arn' })],
    });
  });

  it('accepts unencrypted logs only with a reason, which the synth output lists', () => {
    const stack = newTestStack();
    new Trail(stack, 'trail', { unencryptedLogsReason: 'the seed lab turns SSE-KMS off to keep the exercise simple' });
    expect(trailResource(stack).kms_key_id).toBeUndefined();
    expect(stack.policyChecks.findings).toContainEqual(
      expect.objectContaining({ ruleId: 'CIS.3.5', acknowledged: 'the seed lab turns SSE-KMS off to keep the exercise simple' }),
    );
  });

  it('accepts a single-region trail with a reason, listing the acknowledgement', () => {
    const stack = newTestStack();
    new Trail(stack, 'trail', { multiRegion: false, singleRegionReason: 'the class only ever uses us-east-1' });
    expect(trailResource(stack).is_multi_region_trail).toBe(false);
    expect(stack.policyChecks.findings).toContainEqual(expect.objectContaining({ ruleId: 'CIS.3.1', acknowledged: 'the class only ever uses us-east-1' }));
  });

  it('rejects a single-region trail without a reason', () => {
    expect(() => new Trail(newTestStack(), 'trail', { multiRegion: false })).toThrow(/set singleRegionReason/);
  });

  it('rejects both a key and a reason to leave logs unencrypted', () => {
    const stack = newTestStack();
    const key = new KmsKey(stack, 'key', { alias: 'k' });
    expect(() => new Trail(stack, 'trail', { encryptionKey: key, unencryptedLogsReason: 'some reason here' })).toThrow(/either encryptionKey or unencryptedLogsReason/);
  });

  it('rejects data events on its own bucket, which would log its own deliveries forever', () => {
    const stack = newTestStack();
    const bucket = new SecureBucket(stack, 'logs', { purpose: 'logs' });
    expect(() => new Trail(stack, 'trail', { bucket, s3DataEvents: [{ bucket }] })).toThrow(/names the trail's own bucket/);
  });

  it.each([
    [{ cloudWatchLogsRetentionDays: 10 }, /cloudWatchLogsRetentionDays must be one of 1, 3, 5/],
    [{ trailName: 'a b' }, /trailName "a b" must be 3 to 128/],
    [{ s3KeyPrefix: 'logs/' }, /must not start or end with "\/"/],
    [{ managementEvents: 'None' as const }, /the trail would record nothing/],
    [{ unencryptedLogsReason: ' ' }, /unencryptedLogsReason must say, in at least 10 characters/],
    [{ singleRegionReason: 'only us-east-1 is used' }, /singleRegionReason is only for a trail with multiRegion: false/],
  ])('rejects %p', (props, message) => {
    expect(() => new Trail(newTestStack(), 'trail', props)).toThrow(message);
  });
});
