import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { DeploymentSettings } from '../deployment/settings';
import { KmsKey } from '../modules/kms-key/kms-key';
import { LabStack } from '../modules/lab-stack/lab-stack';
import { SecureBucket } from '../modules/secure-bucket/secure-bucket';

export interface StateBackendStackProps {
  readonly settings: DeploymentSettings;
  /**
   * Encrypt state with a customer-managed KMS key instead of SSE-S3.
   * @default false - SSE-S3 (AES256), no key cost
   */
  readonly kmsEncrypted?: boolean;
}

/**
 * The S3 bucket that holds the labs' Terraform state (the seed's S3 backend).
 * Its own state is local: it cannot live in the bucket it creates.
 * The bucket is never force-destroyed: state is data that must not be lost.
 */
export class StateBackendStack extends LabStack {
  public readonly bucket: SecureBucket;

  constructor(scope: Construct, id: string, props: StateBackendStackProps) {
    super(scope, id, {
      settings: props.settings,
      description: 'S3 bucket for the labs’ Terraform state (versioned, encrypted, TLS-only, public access blocked)',
      allowRemoteState: false,
    });
    const key = props.kmsEncrypted ? new KmsKey(this, 'state-key', { alias: 'state' }) : undefined;
    this.bucket = new SecureBucket(this, 'state', { purpose: 'tfstate', encryptionKey: key, noncurrentVersionExpirationDays: 365 });
    new TerraformOutput(this, 'state_bucket', {
      value: this.bucket.bucketName,
      description: 'Set CTLAB_STATE_BUCKET to this name to keep the scenarios’ state in S3',
    });
  }
}
