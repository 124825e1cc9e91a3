import { Testing } from 'cdktf';
import { TEST_SETTINGS, resourcesOf, statementWithSid } from '../../modules/lab-stack/testing';
import { auditTrail } from './stack';

describe('audit-trail scenario (seed 004)', () => {
  const stack = auditTrail.build(Testing.app(), TEST_SETTINGS);

  it('has an all-region trail with KMS-encrypted logs and log file validation', () => {
    expect(resourcesOf(stack, 'aws_cloudtrail')[0]).toMatchObject({
      name: 'ctlab-audit-trail-trail',
      is_multi_region_trail: true,
      enable_log_file_validation: true,
      kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.trail-key_/),
    });
  });

  it('keeps the log bucket versioned with server access logging', () => {
    expect(resourcesOf(stack, 'aws_s3_bucket_versioning').every((v) => (v.versioning_configuration as { status: string }).status === 'Enabled')).toBe(true);
    expect(resourcesOf(stack, 'aws_s3_bucket_logging')).toHaveLength(1);
  });

  it('gives the audit group CloudTrail read and the key grant it needs to read the logs', () => {
    expect(statementWithSid(stack, 'CloudTrailAccountRead').actions).toContain('cloudtrail:LookupEvents');
    expect(statementWithSid(stack, 'DecryptTrail').actions).toEqual(['kms:Decrypt']);
  });

  it('passes the policy checks with no finding', () => {
    Testing.synth(stack);
    expect(stack.policyChecks.findings).toEqual([]);
  });
});
