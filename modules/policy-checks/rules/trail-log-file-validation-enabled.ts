import { COMPLIANT, PolicyRule, nonCompliant } from '../policy-rule';

export const TrailLogFileValidationEnabled: PolicyRule = {
  id: 'CIS.3.2',
  summary: 'CloudTrail log file validation is on',
  reference: 'CIS AWS Foundations Benchmark v3.0.0, 3.2',
  severity: 'error',
  resourceType: 'aws_cloudtrail',
  check(trail) {
    return trail.attributes.enable_log_file_validation === true
      ? COMPLIANT
      : nonCompliant('enable_log_file_validation is not true: tampered or deleted log files could not be detected');
  },
};
