import { COMPLIANT, PolicyRule, nonCompliant } from '../policy-rule';

const SETTINGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];

export const BucketPublicAccessBlocked: PolicyRule = {
  id: 'CIS.2.1.4',
  summary: 'S3 buckets block all public access',
  reference: 'CIS AWS Foundations Benchmark v3.0.0, 2.1.4',
  severity: 'error',
  resourceType: 'aws_s3_bucket',
  check(bucket, index) {
    const blocks = index.referencing('aws_s3_bucket_public_access_block', 'bucket', bucket);
    if (blocks.length === 0) return nonCompliant('no aws_s3_bucket_public_access_block refers to this bucket');
    const missing = SETTINGS.filter((s) => !blocks.some((b) => b.attributes[s] === true));
    return missing.length === 0 ? COMPLIANT : nonCompliant(`public access is not blocked: ${missing.join(', ')} not true`);
  },
};
