import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { KMSClient } from '@aws-sdk/client-kms';
import type { Context } from 'aws-lambda';
import { clientConfig } from '../shared/clients';
import { HandlerError, createLogger, requireEnv } from '../shared/log';
import { SCHEMES, isScheme } from './scheme-names';
import { encrypt } from './schemes';

/**
 * lambda-app-1/2/3 (seed 000): read an object from the ingest bucket, encrypt
 * it with the scenario's KMS key by this app's SCHEME, and write the result to
 * the encrypted bucket under a deterministic key.
 */

export const clients = { s3: new S3Client(clientConfig()), kms: new KMSClient(clientConfig()) };

/** Where an app writes the encrypted copy of `key`: the same key plus a suffix, so a redelivery overwrites. */
export function outputKey(key: string): string {
  return `${key}.ctlab-enc.json`;
}

export interface AppResult {
  readonly source: string;
  readonly output: string;
  readonly scheme: string;
  readonly bytes: number;
}

function readRequest(event: unknown, sourceBucket: string): { bucket: string; key: string } {
  const e = event as { bucket?: unknown; key?: unknown };
  if (typeof e?.bucket !== 'string' || typeof e.key !== 'string' || e.key === '') {
    throw new HandlerError('event must be {"bucket": string, "key": string} as sent by random-lambda-call');
  }
  if (e.bucket !== sourceBucket) {
    throw new HandlerError(`event names bucket "${e.bucket}", but this app only reads "${sourceBucket}"`, { bucket: e.bucket });
  }
  return { bucket: e.bucket, key: e.key };
}

export async function handler(event: unknown, context: Pick<Context, 'awsRequestId' | 'functionName'>): Promise<AppResult> {
  const log = createLogger(context.awsRequestId, context.functionName);
  try {
    const scheme = requireEnv('SCHEME');
    if (!isScheme(scheme)) throw new HandlerError(`SCHEME "${scheme}" is not one of ${SCHEMES.join(', ')}`);
    const sourceBucket = requireEnv('SOURCE_BUCKET');
    const destinationBucket = requireEnv('DESTINATION_BUCKET');
    const keyArn = requireEnv('KEY_ARN');
    const maxBytes = Number(requireEnv('MAX_OBJECT_BYTES'));
    if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new HandlerError(`MAX_OBJECT_BYTES must be a whole number of bytes above 0, got "${process.env.MAX_OBJECT_BYTES}"`);
    if (sourceBucket === destinationBucket) {
      throw new HandlerError(`SOURCE_BUCKET and DESTINATION_BUCKET are both "${sourceBucket}": writing there would trigger the pipeline again, without end`);
    }
    const { bucket, key } = readRequest(event, sourceBucket);

    const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const size = object.ContentLength ?? 0;
    if (size > maxBytes) {
      (object.Body as { destroy?: () => void } | undefined)?.destroy?.();
      throw new HandlerError(`object s3://${bucket}/${key} is ${size} bytes; this app accepts at most ${maxBytes}`, { size, maxBytes });
    }
    const plaintext = Buffer.from((await object.Body?.transformToByteArray()) ?? new Uint8Array());
    const encrypted = await encrypt(scheme, clients.kms, keyArn, { 'cloudtrail-labs:object': `s3://${bucket}/${key}` }, plaintext);
    const output = outputKey(key);
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: destinationBucket,
        Key: output,
        Body: JSON.stringify(encrypted),
        ContentType: 'application/json',
        Metadata: { app: context.functionName, 'key-arn': keyArn, scheme },
      }),
    );
    log.info('encrypted', { source: `s3://${bucket}/${key}`, output: `s3://${destinationBucket}/${output}`, scheme, bytes: plaintext.length });
    return { source: key, output, scheme, bytes: plaintext.length };
  } catch (error) {
    log.error(error instanceof Error ? error.message : String(error), error instanceof HandlerError ? error.details : { name: (error as Error)?.name });
    throw error;
  }
}
