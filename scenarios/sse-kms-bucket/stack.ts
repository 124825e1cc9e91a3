import { TerraformOutput } from 'cdktf';
import { KmsKey } from '../../modules/kms-key/kms-key';
import { LabStack } from '../../modules/lab-stack/lab-stack';
import { SecureBucket } from '../../modules/secure-bucket/secure-bucket';
import { Trail } from '../../modules/trail/trail';
import { addAthena } from '../athena';
import { Scenario } from '../scenario';

/** Seed 003: SSE-KMS uploads with a customer-managed key, and the key's use found in the trail. */
export const sseKmsBucket: Scenario = {
  name: 'sse-kms-bucket',
  summary: 'A bucket encrypted with a customer-managed key (SSE-KMS) and a trail with S3 data events: find the key use in the logs',
  seed: '003_5189bec1c598369c.txt',
  build(scope, settings) {
    const stack = new LabStack(scope, 'sse-kms-bucket', { settings, description: this.summary });
    const dataKey = new KmsKey(stack, 'data-key', {
      alias: 'whiz-kms-key',
      description: 'KMS key to encrypt S3 objects',
      deletionWindowInDays: 7,
    });
    const data = new SecureBucket(stack, 'data', {
      purpose: 'data',
      encryptionKey: dataKey,
      // Without a bucket key, S3 calls KMS for every object: each upload and download shows in the trail.
      bucketKeyEnabled: false,
      forceDestroy: true,
    });
    const trailKey = new KmsKey(stack, 'trail-key', { alias: 'trail', deletionWindowInDays: 7 });
    const trail = new Trail(stack, 'trail', {
      encryptionKey: trailKey,
      s3DataEvents: [{ bucket: data, access: 'All' }],
      forceDestroy: true,
    });

    addAthena(stack, trail, 'sse-kms-bucket');

    new TerraformOutput(stack, 'data_bucket', { value: data.bucketName });
    new TerraformOutput(stack, 'data_key_arn', { value: dataKey.keyArn });
    new TerraformOutput(stack, 'data_key_alias', { value: dataKey.aliasName });
    new TerraformOutput(stack, 'trail_name', { value: trail.trailName });
    new TerraformOutput(stack, 'trail_bucket', { value: trail.bucket.bucketName });
    return stack;
  },
};
