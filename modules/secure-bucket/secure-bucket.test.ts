import { KmsKey } from '../kms-key/kms-key';
import { address, newTestStack, ref, resourcesOf, statementWithSid } from '../lab-stack/testing';
import { SecureBucket } from './secure-bucket';

describe('SecureBucket', () => {
  it('blocks all public access, enforces bucket-owner ownership and versioning', () => {
    const stack = newTestStack();
    new SecureBucket(stack, 'data', { purpose: 'data' });
    expect(resourcesOf(stack, 'aws_s3_bucket_public_access_block')[0]).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(resourcesOf(stack, 'aws_s3_bucket_ownership_controls')[0].rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    expect(resourcesOf(stack, 'aws_s3_bucket_versioning')[0].versioning_configuration).toEqual({ status: 'Enabled' });
  });

  it('names the bucket with prefix, scenario, purpose and account, and keeps it on destroy by default', () => {
    const stack = newTestStack();
    new SecureBucket(stack, 'data', { purpose: 'data' });
    expect(resourcesOf(stack, 'aws_s3_bucket')[0]).toEqual(
      expect.objectContaining({ bucket: 'ctlab-test-lab-data-${data.aws_caller_identity.caller.account_id}', force_destroy: false }),
    );
  });

  it('denies every request not made over TLS', () => {
    const stack = newTestStack();
    new SecureBucket(stack, 'data', { purpose: 'data' });
    expect(statementWithSid(stack, 'DenyInsecureTransport')).toMatchObject({
      effect: 'Deny',
      actions: ['s3:*'],
      principals: [{ type: '*', identifiers: ['*'] }],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
  });

  it('encrypts with SSE-S3 by default', () => {
    const stack = newTestStack();
    new SecureBucket(stack, 'data', { purpose: 'data' });
    expect(resourcesOf(stack, 'aws_s3_bucket_server_side_encryption_configuration')[0].rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
  });

  it('encrypts with the given KMS key, bucket key on unless turned off', () => {
    const stack = newTestStack();
    const key = new KmsKey(stack, 'key', { alias: 'data' });
    new SecureBucket(stack, 'with-bucket-key', { purpose: 'a', encryptionKey: key });
    new SecureBucket(stack, 'without', { purpose: 'b', encryptionKey: key, bucketKeyEnabled: false });
    const rules = resourcesOf(stack, 'aws_s3_bucket_server_side_encryption_configuration').map((r) => (r.rule as Record<string, unknown>[])[0]);
    expect(rules).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: ref('aws_kms_key', 'key', 'arn') }, bucket_key_enabled: true },
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: ref('aws_kms_key', 'key', 'arn') }, bucket_key_enabled: false },
    ]);
  });

  it('expires noncurrent versions after 90 days by default, and current objects when asked', () => {
    const stack = newTestStack();
    new SecureBucket(stack, 'results', { purpose: 'results', expirationDays: 7 });
    const rules = resourcesOf(stack, 'aws_s3_bucket_lifecycle_configuration')[0].rule as Record<string, unknown>[];
    expect(rules[0].noncurrent_version_expiration).toEqual([{ noncurrent_days: 90 }]);
    expect(rules[1].expiration).toEqual([{ days: 7 }]);
  });

  it('sends server access logs to the destination and lets only the logging service write there', () => {
    const stack = newTestStack();
    const logs = new SecureBucket(stack, 'logs', { purpose: 'logs' });
    new SecureBucket(stack, 'data', { purpose: 'data', accessLogs: { destination: logs, prefix: 'data/' } });
    const logging = resourcesOf(stack, 'aws_s3_bucket_logging')[0];
    expect(logging).toMatchObject({ target_bucket: ref('aws_s3_bucket', 'logs_bucket', 'bucket'), target_prefix: 'data/' });
    expect(logging.depends_on).toEqual([address('aws_s3_bucket_policy', 'logs_bucket-policy')]);
    expect(statementWithSid(stack, 'AccessLogsFromData')).toMatchObject({
      principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
      actions: ['s3:PutObject'],
      resources: [ref('aws_s3_bucket', 'logs_bucket', 'arn', '/data/*')],
    });
  });

  it('rejects an access-log destination encrypted with KMS, which S3 cannot deliver to', () => {
    const stack = newTestStack();
    const key = new KmsKey(stack, 'key', { alias: 'k' });
    const logs = new SecureBucket(stack, 'logs', { purpose: 'logs', encryptionKey: key });
    expect(() => new SecureBucket(stack, 'data', { purpose: 'data', accessLogs: { destination: logs } })).toThrow(
      /uses SSE-KMS; S3 server access logs can only be delivered to a bucket encrypted with SSE-S3/,
    );
  });

  it('rejects bucketKeyEnabled without a KMS key, where it would do nothing', () => {
    expect(() => new SecureBucket(newTestStack(), 'b', { purpose: 'b', bucketKeyEnabled: false })).toThrow(/bucketKeyEnabled applies to SSE-KMS only/);
  });

  it.each([0, -1, 1.5, 4000])('rejects noncurrentVersionExpirationDays %s', (days) => {
    expect(() => new SecureBucket(newTestStack(), 'b', { purpose: 'b', noncurrentVersionExpirationDays: days })).toThrow(
      `noncurrentVersionExpirationDays must be a whole number of days from 1 to 3650, got ${days}`,
    );
  });
});
