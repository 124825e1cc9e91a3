import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/** One SDK v3 client per service a cleanup calls, all for one region and endpoint. */
export interface Clients {
  readonly athena: AthenaClient;
  readonly cloudtrail: CloudTrailClient;
  readonly ec2: EC2Client;
  readonly events: EventBridgeClient;
  readonly iam: IAMClient;
  readonly kms: KMSClient;
  readonly lambda: LambdaClient;
  readonly logs: CloudWatchLogsClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

export interface ClientSettings {
  readonly region: string;
  /** Every service at this URL (moto, the local edge). @default - AWS */
  readonly endpoint?: string;
  /** @default - the SDK's default credential chain */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** The access key in an environment, if it has one (so a test's environment is honoured). */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): ClientSettings['credentials'] {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

export function createClients(settings: ClientSettings): Clients {
  const config = {
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
  };
  return {
    athena: new AthenaClient(config),
    cloudtrail: new CloudTrailClient(config),
    ec2: new EC2Client(config),
    events: new EventBridgeClient(config),
    iam: new IAMClient(config),
    kms: new KMSClient(config),
    lambda: new LambdaClient(config),
    logs: new CloudWatchLogsClient(config),
    s3: new S3Client({ ...config, followRegionRedirects: true, ...(settings.endpoint ? { forcePathStyle: true } : {}) }),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
  };
}

export function destroyClients(clients: Clients): void {
  for (const client of Object.values(clients)) (client as { destroy(): void }).destroy();
}
