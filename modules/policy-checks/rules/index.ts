import { PolicyRule } from '../policy-rule';
import { BucketPublicAccessBlocked } from './bucket-public-access-blocked';
import { BucketTlsOnlyPolicy } from './bucket-tls-only-policy';
import { IamNoWildcardAdmin, IamNoWildcardAdminInline } from './iam-no-wildcard-admin';
import { KmsKeyRotationEnabled } from './kms-key-rotation-enabled';
import { SecurityGroupNoOpenIngress } from './security-group-no-open-ingress';
import { TrailBucketAccessLoggingEnabled } from './trail-bucket-access-logging-enabled';
import { TrailLogFileValidationEnabled } from './trail-log-file-validation-enabled';
import { TrailLogsKmsEncrypted } from './trail-logs-kms-encrypted';
import { TrailMultiRegionEnabled } from './trail-multi-region-enabled';

/** Every rule applied to every stack. */
export const ALL_RULES: readonly PolicyRule[] = [
  TrailMultiRegionEnabled,
  TrailLogFileValidationEnabled,
  TrailBucketAccessLoggingEnabled,
  TrailLogsKmsEncrypted,
  KmsKeyRotationEnabled,
  BucketTlsOnlyPolicy,
  BucketPublicAccessBlocked,
  IamNoWildcardAdmin,
  ...IamNoWildcardAdminInline,
  ...SecurityGroupNoOpenIngress,
];
