import { COMPLIANT, PolicyRule, nonCompliant } from '../policy-rule';

export const TrailMultiRegionEnabled: PolicyRule = {
  id: 'CIS.3.1',
  summary: 'CloudTrail trails log every region',
  reference: 'CIS AWS Foundations Benchmark v3.0.0, 3.1',
  severity: 'error',
  resourceType: 'aws_cloudtrail',
  check(trail) {
    return trail.attributes.is_multi_region_trail === true
      ? COMPLIANT
      : nonCompliant('is_multi_region_trail is not true: activity in other regions would go unrecorded');
  },
};
