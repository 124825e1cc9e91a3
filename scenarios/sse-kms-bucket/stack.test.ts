import { Testing } from 'cdktf';
import { TEST_SETTINGS, resourcesOf } from '../../modules/lab-stack/testing';
import { sseKmsBucket } from './stack';

describe('sse-kms-bucket scenario (seed 003)', () => {
  const stack = sseKmsBucket.build(Testing.app(), TEST_SETTINGS);

  it('has a customer-managed key with the seed alias', () => {
    expect(resourcesOf(stack, 'aws_kms_alias').map((a) => a.name)).toContain('alias/ctlab-sse-kms-bucket-whiz-kms-key');
  });

  it('encrypts the data bucket with that key and no bucket key, so every object is a KMS call', () => {
    const encryption = resourcesOf(stack, 'aws_s3_bucket_server_side_encryption_configuration').find((e) =>
      String(e.bucket).includes('data_bucket'),
    );
    expect((encryption?.rule as Record<string, unknown>[])[0]).toEqual({
      apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.data-key_/) },
      bucket_key_enabled: false,
    });
  });

  it('records read and write S3 data events for the data bucket only', () => {
    const selectors = resourcesOf(stack, 'aws_cloudtrail')[0].advanced_event_selector as { name: string; field_selector: { field: string; starts_with?: string[] }[] }[];
    const s3 = selectors.find((s) => s.name === 'S3 object events (All)');
    expect(s3?.field_selector.find((f) => f.field === 'resources.ARN')?.starts_with).toEqual([expect.stringMatching(/^\$\{aws_s3_bucket\.data_bucket_[0-9A-F]+\.arn\}\/$/)]);
    expect(s3?.field_selector.some((f) => f.field === 'readOnly')).toBe(false);
  });
});
