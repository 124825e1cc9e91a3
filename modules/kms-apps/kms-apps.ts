import { Construct } from 'constructs';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { SCHEMES, Scheme, kmsCallsPerObject } from '../../lambda-src/kms-app/scheme-names';
import { KmsKey } from '../kms-key/kms-key';
import { LabStack } from '../lab-stack/lab-stack';
import { NodejsFunction } from '../nodejs-function/nodejs-function';
import { SecureBucket } from '../secure-bucket/secure-bucket';

export const APP_NAMES = ['lambda-app-1', 'lambda-app-2', 'lambda-app-3'] as const;
export type AppName = (typeof APP_NAMES)[number];

/** The seed's roles: one app does it right, one overuses Encrypt, one adds a Decrypt. */
export const DEFAULT_SCHEMES: Readonly<Record<AppName, Scheme>> = {
  'lambda-app-1': 'envelope',
  'lambda-app-2': 'chunked-encrypt',
  'lambda-app-3': 'envelope-self-check',
};

/** KMS actions each scheme needs, and nothing more. */
const KMS_ACTIONS: Record<Scheme, ('GenerateDataKey' | 'Encrypt' | 'Decrypt')[]> = {
  envelope: ['GenerateDataKey'],
  'chunked-encrypt': ['Encrypt'],
  'envelope-self-check': ['GenerateDataKey', 'Decrypt'],
};

export interface KmsAppsProps {
  /**
   * Which KMS pattern each app uses: the instructor's way to change the culprit.
   * @default DEFAULT_SCHEMES (lambda-app-2 encrypts every 4 KiB chunk)
   */
  readonly schemes?: Partial<Record<AppName, Scheme>>;
  /**
   * Relative odds that the dispatcher picks each app.
   * @default - uniform, as the seed says
   */
  readonly weights?: Partial<Record<AppName, number>>;
  /** Largest object an app encrypts. @default 1048576 (1 MiB) */
  readonly maxObjectBytes?: number;
  /** The key the apps encrypt with. @default - a new KmsKey "apps" */
  readonly key?: KmsKey;
  /** Let `terraform destroy` delete both buckets with their objects. @default false */
  readonly forceDestroy?: boolean;
}

/**
 * The kms-mystery pipeline (seed 000): objects uploaded to the ingest bucket
 * trigger `random-lambda-call`, which invokes one of `lambda-app-1/2/3`
 * asynchronously; each app encrypts the object with the scenario's key and
 * writes it to the encrypted bucket. Every function may make exactly the calls
 * its code makes, on exactly its resources.
 */
export class KmsApps extends Construct {
  public readonly ingestBucket: SecureBucket;
  public readonly encryptedBucket: SecureBucket;
  public readonly key: KmsKey;
  public readonly dispatcher: NodejsFunction;
  public readonly apps: Readonly<Record<AppName, NodejsFunction>>;
  public readonly schemes: Readonly<Record<AppName, Scheme>>;

  constructor(scope: Construct, id: string, props: KmsAppsProps = {}) {
    super(scope, id);
    const stack = LabStack.of(this);
    this.schemes = { ...DEFAULT_SCHEMES, ...props.schemes };
    const maxObjectBytes = props.maxObjectBytes ?? 1024 * 1024;
    validate(props, this.schemes, maxObjectBytes);
    const forceDestroy = props.forceDestroy ?? false;

    // SSE-S3 on both buckets: the only KMS calls in the trail are then the apps' own.
    this.ingestBucket = new SecureBucket(this, 'ingest', { purpose: 'ingest', forceDestroy });
    this.encryptedBucket = new SecureBucket(this, 'encrypted', { purpose: 'encrypted', forceDestroy });
    this.key = props.key ?? new KmsKey(this, 'key', { alias: 'apps', description: 'Encrypts the uploads in the kms-mystery lab' });

    const ingestObjects = `s3://${this.ingestBucket.bucketName}/*`;
    const apps = {} as Record<AppName, NodejsFunction>;
    for (const name of APP_NAMES) {
      const scheme = this.schemes[name];
      const app = new NodejsFunction(this, name, {
        name,
        handler: 'kms-app',
        description: `kms-mystery app: encrypts uploads (${scheme})`,
        environment: {
          SCHEME: scheme,
          SOURCE_BUCKET: this.ingestBucket.bucketName,
          DESTINATION_BUCKET: this.encryptedBucket.bucketName,
          KEY_ARN: this.key.keyArn,
          MAX_OBJECT_BYTES: String(maxObjectBytes),
        },
      });
      app.role.addToPrincipalPolicy({ sid: 'ReadUploads', actions: ['s3:GetObject'], resources: [this.ingestBucket.arnForObjects('*')] });
      app.role.addToPrincipalPolicy({ sid: 'WriteEncrypted', actions: ['s3:PutObject'], resources: [this.encryptedBucket.arnForObjects('*')] });
      // Only for objects of the ingest bucket: the apps name the object in the encryption context.
      const onUploads = [{ test: 'StringLike', variable: 'kms:EncryptionContext:cloudtrail-labs:object', values: [ingestObjects] }];
      for (const action of KMS_ACTIONS[scheme]) {
        if (action === 'GenerateDataKey') this.key.grantGenerateDataKey(app.role, onUploads);
        if (action === 'Encrypt') this.key.grantEncrypt(app.role, onUploads);
        if (action === 'Decrypt') this.key.grantDecrypt(app.role, onUploads);
      }
      apps[name] = app;
    }
    this.apps = apps;

    this.dispatcher = new NodejsFunction(this, 'random-lambda-call', {
      name: 'random-lambda-call',
      handler: 'random-lambda-call',
      description: 'kms-mystery dispatcher: sends each upload to a random KMS app',
      environment: {
        INGEST_BUCKET: this.ingestBucket.bucketName,
        APP_FUNCTIONS: JSON.stringify(APP_NAMES.map((name) => ({ name: stack.naming.name(name), weight: props.weights?.[name] ?? 1 }))),
      },
    });
    for (const name of APP_NAMES) apps[name].grantInvoke(this.dispatcher.role);

    const permission = new LambdaPermission(this, 'allow-s3', {
      statementId: 'AllowIngestBucketNotifications',
      action: 'lambda:InvokeFunction',
      functionName: this.dispatcher.functionName,
      principal: 's3.amazonaws.com',
      sourceArn: this.ingestBucket.bucketArn,
      sourceAccount: stack.accountId,
    });
    new S3BucketNotification(this, 'uploads', {
      bucket: this.ingestBucket.bucket.id,
      lambdaFunction: [{ lambdaFunctionArn: this.dispatcher.functionArn, events: ['s3:ObjectCreated:*'] }],
      dependsOn: [permission],
    });
  }

  /** The app whose scheme makes the most KMS calls for objects of `objectBytes` (the answer to the lab). */
  public culpritFor(objectBytes: number): AppName {
    const calls = (app: AppName) => kmsCallsPerObject(this.schemes[app], objectBytes);
    return [...APP_NAMES].sort((a, b) => calls(b) - calls(a))[0];
  }
}

function validate(props: KmsAppsProps, schemes: Record<AppName, Scheme>, maxObjectBytes: number): void {
  for (const [name, scheme] of Object.entries(schemes)) {
    if (!(APP_NAMES as readonly string[]).includes(name)) throw new Error(`schemes: unknown app "${name}"; the apps are ${APP_NAMES.join(', ')}`);
    if (!(SCHEMES as readonly string[]).includes(scheme)) throw new Error(`schemes: "${scheme}" for ${name} is not one of ${SCHEMES.join(', ')}`);
  }
  for (const [name, weight] of Object.entries(props.weights ?? {})) {
    if (!(APP_NAMES as readonly string[]).includes(name)) throw new Error(`weights: unknown app "${name}"; the apps are ${APP_NAMES.join(', ')}`);
    if (!(typeof weight === 'number' && weight > 0)) throw new Error(`weights: ${name} must be a number above 0, got ${weight}`);
  }
  if (!Number.isInteger(maxObjectBytes) || maxObjectBytes < 1 || maxObjectBytes > 50 * 1024 * 1024) {
    throw new Error(`maxObjectBytes must be a whole number from 1 to 52428800 (50 MiB), got ${maxObjectBytes}`);
  }
}
