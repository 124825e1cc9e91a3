import { COMPLIANT, NOT_APPLICABLE, PolicyRule, nonCompliant } from '../policy-rule';

export const KmsKeyRotationEnabled: PolicyRule = {
  id: 'CIS.3.6',
  summary: 'Symmetric customer-managed KMS keys rotate',
  reference: 'CIS AWS Foundations Benchmark v3.0.0, 3.6',
  severity: 'error',
  resourceType: 'aws_kms_key',
  check(key) {
    const spec = key.attributes.customer_master_key_spec;
    if (spec !== undefined && spec !== 'SYMMETRIC_DEFAULT') return NOT_APPLICABLE;
    return key.attributes.enable_key_rotation === true
      ? COMPLIANT
      : nonCompliant('enable_key_rotation is not true');
  },
};
