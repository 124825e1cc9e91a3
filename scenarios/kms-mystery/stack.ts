import { TerraformOutput } from 'cdktf';
import { KmsApps, APP_NAMES } from '../../modules/kms-apps/kms-apps';
import { KmsKey } from '../../modules/kms-key/kms-key';
import { LabStack } from '../../modules/lab-stack/lab-stack';
import { Trail } from '../../modules/trail/trail';
import { addAthena } from '../athena';
import { Scenario } from '../scenario';
import { parseSchemes } from './schemes-option';

/** The simulator's default object size: large enough that the apps' KMS patterns differ. */
export const DEFAULT_OBJECT_BYTES = 16 * 1024;

/** Seed 000: who is consuming the most KMS API calls? */
export const kmsMystery: Scenario = {
  name: 'kms-mystery',
  summary: 'An uploader, a dispatcher Lambda and three KMS apps: find who consumes the most KMS API calls',
  seed: '000_b65c982da0ab1471.txt',
  build(scope, settings) {
    const stack = new LabStack(scope, 'kms-mystery', { settings, description: this.summary });
    const appsKey = new KmsKey(stack, 'apps-key', { alias: 'apps', description: 'Encrypts the uploads in the kms-mystery lab', deletionWindowInDays: 7 });
    const pipeline = new KmsApps(stack, 'pipeline', { key: appsKey, schemes: parseSchemes(settings.kmsSchemes), forceDestroy: true });
    const trailKey = new KmsKey(stack, 'trail-key', { alias: 'trail', deletionWindowInDays: 7 });
    // Management events read and write (KMS calls are management events, not excluded), plus the apps' invocations.
    const trail = new Trail(stack, 'trail', {
      encryptionKey: trailKey,
      lambdaDataEvents: APP_NAMES.map((name) => pipeline.apps[name]),
      forceDestroy: true,
    });

    addAthena(stack, trail, 'kms-mystery');

    new TerraformOutput(stack, 'ingest_bucket', { value: pipeline.ingestBucket.bucketName });
    new TerraformOutput(stack, 'encrypted_bucket', { value: pipeline.encryptedBucket.bucketName });
    new TerraformOutput(stack, 'dispatcher_function', { value: pipeline.dispatcher.functionName });
    new TerraformOutput(stack, 'app_functions', { value: APP_NAMES.map((name) => pipeline.apps[name].functionName) });
    new TerraformOutput(stack, 'app_key_arn', { value: appsKey.keyArn });
    new TerraformOutput(stack, 'trail_bucket', { value: trail.bucket.bucketName });
    new TerraformOutput(stack, 'trail_name', { value: trail.trailName });
    new TerraformOutput(stack, 'expected_culprit', {
      value: pipeline.culpritFor(DEFAULT_OBJECT_BYTES),
      description: `The app with the most KMS calls for ${DEFAULT_OBJECT_BYTES}-byte uploads under this configuration (instructor's check)`,
      sensitive: true,
    });
    return stack;
  },
};
