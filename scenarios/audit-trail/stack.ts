import { TerraformOutput } from 'cdktf';
import { AuditAccess } from '../../modules/audit-access/audit-access';
import { KmsKey } from '../../modules/kms-key/kms-key';
import { LabStack } from '../../modules/lab-stack/lab-stack';
import { Trail } from '../../modules/trail/trail';
import { addAthena } from '../athena';
import { Scenario } from '../scenario';

/** Seed 004: an all-region, KMS-encrypted, validated trail and an audit group that can read it. */
export const auditTrail: Scenario = {
  name: 'audit-trail',
  summary: 'All-region trail with KMS-encrypted, validated logs and an audit group that needs both CloudTrail read and KMS decrypt',
  seed: '004_8fbd81a35af653c6.txt',
  build(scope, settings) {
    const stack = new LabStack(scope, 'audit-trail', { settings, description: this.summary });
    const key = new KmsKey(stack, 'trail-key', {
      alias: 'trail',
      description: 'Encrypts the audit trail log files; only the audit group may decrypt',
      // A lab key: the shortest window keeps a forgotten key's cost low.
      deletionWindowInDays: 7,
    });
    // The default trail bucket is versioned and sends server access logs to a second bucket.
    const trail = new Trail(stack, 'trail', { encryptionKey: key, forceDestroy: true });
    const audit = new AuditAccess(stack, 'audit', { trail });
    addAthena(stack, trail, 'audit-trail');

    new TerraformOutput(stack, 'trail_name', { value: trail.trailName });
    new TerraformOutput(stack, 'trail_bucket', { value: trail.bucket.bucketName });
    new TerraformOutput(stack, 'trail_key_alias', { value: key.aliasName });
    new TerraformOutput(stack, 'trail_key_arn', { value: key.keyArn });
    new TerraformOutput(stack, 'audit_group', { value: audit.group.groupName });
    new TerraformOutput(stack, 'audit_user', { value: audit.user.name });
    return stack;
  },
};
