import { COMPLIANT, PolicyRule, nonCompliant } from '../policy-rule';

export const TrailBucketAccessLoggingEnabled: PolicyRule = {
  id: 'CIS.3.4',
  summary: "S3 server access logging is on for the trail's bucket",
  reference: 'CIS AWS Foundations Benchmark v3.0.0, 3.4',
  severity: 'warning',
  resourceType: 'aws_cloudtrail',
  check(trail, index) {
    const bucket = index.referenced(trail.attributes.s3_bucket_name);
    if (!bucket || bucket.type !== 'aws_s3_bucket') {
      return nonCompliant("the trail's bucket is not defined in this stack, so its access logging cannot be verified");
    }
    return index.referencing('aws_s3_bucket_logging', 'bucket', bucket).length > 0
      ? COMPLIANT
      : nonCompliant(`bucket ${bucket.address} has no aws_s3_bucket_logging: reads of the trail's logs leave no trace`);
  },
};
