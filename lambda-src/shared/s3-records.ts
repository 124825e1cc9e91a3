import { HandlerError } from './log';

/** An object named by an S3 event notification, with its key decoded. */
export interface ObjectRef {
  readonly bucket: string;
  readonly key: string;
  readonly size?: number;
}

/**
 * S3 puts object keys in events URL-encoded, with `+` for a space
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
 */
export function decodeS3Key(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    throw new HandlerError(`object key "${encoded}" in the event is not valid URL encoding`);
  }
}

/**
 * The objects of an `s3:ObjectCreated:*` event, all of them in `expectedBucket`.
 * Any malformed record rejects the whole event, so nothing is half-processed.
 */
export function objectsCreated(event: unknown, expectedBucket: string): ObjectRef[] {
  const records = (event as { Records?: unknown })?.Records;
  if (!Array.isArray(records) || records.length === 0) {
    throw new HandlerError('event has no Records: expected an S3 event notification with at least one record');
  }
  return records.map((record, index) => {
    const r = record as { eventSource?: string; eventName?: string; s3?: { bucket?: { name?: string }; object?: { key?: string; size?: number } } };
    if (r.eventSource !== 'aws:s3' || typeof r.eventName !== 'string' || !r.eventName.startsWith('ObjectCreated:')) {
      throw new HandlerError(`record ${index} is not an S3 ObjectCreated event (eventSource ${r.eventSource}, eventName ${r.eventName})`);
    }
    const bucket = r.s3?.bucket?.name;
    const key = r.s3?.object?.key;
    if (typeof bucket !== 'string' || typeof key !== 'string' || key === '') {
      throw new HandlerError(`record ${index} has no s3.bucket.name or s3.object.key`);
    }
    if (bucket !== expectedBucket) {
      throw new HandlerError(`record ${index} is for bucket "${bucket}", but this function only handles "${expectedBucket}"`, { bucket });
    }
    return { bucket, key: decodeS3Key(key), size: typeof r.s3?.object?.size === 'number' ? r.s3.object.size : undefined };
  });
}
