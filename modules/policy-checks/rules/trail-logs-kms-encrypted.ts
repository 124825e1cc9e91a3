import { COMPLIANT, PolicyRule, nonCompliant } from '../policy-rule';

export const TrailLogsKmsEncrypted: PolicyRule = {
  id: 'CIS.3.5',
  summary: 'CloudTrail logs are encrypted with a customer-managed KMS key',
  reference: 'CIS AWS Foundations Benchmark v3.0.0, 3.5',
  severity: 'error',
  resourceType: 'aws_cloudtrail',
  check(trail) {
    const key = trail.attributes.kms_key_id;
    return typeof key === 'string' && key !== ''
      ? COMPLIANT
      : nonCompliant('kms_key_id is not set: anyone who can read the bucket can read the logs');
  },
};
