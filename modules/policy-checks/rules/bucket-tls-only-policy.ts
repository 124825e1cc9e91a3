import { COMPLIANT, PolicyRule, nonCompliant } from '../policy-rule';
import { statementsOf } from '../policy-documents';

export const BucketTlsOnlyPolicy: PolicyRule = {
  id: 'CIS.2.1.1',
  summary: 'S3 bucket policies deny requests not made over TLS',
  reference: 'CIS AWS Foundations Benchmark v3.0.0, 2.1.1',
  severity: 'error',
  resourceType: 'aws_s3_bucket',
  check(bucket, index) {
    const policies = index.referencing('aws_s3_bucket_policy', 'bucket', bucket);
    if (policies.length === 0) return nonCompliant('no aws_s3_bucket_policy refers to this bucket');
    for (const policy of policies) {
      const statements = statementsOf(policy.attributes.policy, index);
      if (statements === undefined) {
        return nonCompliant(`the policy of ${policy.address} cannot be read at synth time`);
      }
      const deniesPlainHttp = statements.some(
        (s) =>
          s.effect === 'Deny' &&
          s.actions.some((a) => a === 's3:*' || a === '*') &&
          s.principals.some((p) => p.identifiers.includes('*')) &&
          s.conditions.some((c) => c.test === 'Bool' && c.variable === 'aws:SecureTransport' && c.values.includes('false')),
      );
      if (deniesPlainHttp) return COMPLIANT;
    }
    return nonCompliant('the bucket policy has no Deny of s3:* for everyone when aws:SecureTransport is false');
  },
};
