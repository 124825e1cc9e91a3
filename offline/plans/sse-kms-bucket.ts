import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { OfflinePlan, outputString } from './plan';

/** The object the seed uploads and then looks for in the logs. */
export const SEED_OBJECT = 'Sharingan.png';

/**
 * sse-kms-bucket offline (seed 003): upload pictures to the SSE-KMS bucket
 * (default encryption, no bucket key), open the seed's one, then find in the
 * logs the KMS calls S3 made for it: a GenerateDataKey for the upload and a
 * Decrypt for the download, both on the lab's key, on the uploader's behalf.
 */
export const sseKmsBucketPlan: OfflinePlan = {
  scenario: 'sse-kms-bucket',

  async simulate({ target, outputs, log }, options) {
    const bucket = outputString(outputs, 'data_bucket');
    const s3 = new S3Client({ endpoint: target.edgeEndpoint, region: target.region, credentials: target.operator, forcePathStyle: true });
    const keys = [SEED_OBJECT, ...Array.from({ length: Math.max(0, options.count - 1) }, (_, i) => `pictures/picture-${i + 1}.png`)];
    log(`${keys.length} uploads of ${options.sizeBytes} bytes to s3://${bucket} (default encryption: SSE-KMS), then one download of ${SEED_OBJECT}`);
    for (const [i, key] of keys.entries()) {
      if (options.signal?.aborted) throw new Error('interrupted');
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.alloc(options.sizeBytes, i % 251), ContentType: 'image/png' }));
      if (options.intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    }
    await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: SEED_OBJECT }))).Body?.transformToByteArray();
    return { bucket, objectKey: SEED_OBJECT, uploads: keys.length };
  },

  questions: [
    {
      query: 'kms-calls-for-object',
      title: `which KMS calls did S3 make for ${SEED_OBJECT}?`,
      params: (_context, facts) => ({ bucket: String(facts.bucket), object_key: String(facts.objectKey) }),
    },
  ],

  verdict(answers, { outputs }) {
    const keyArn = outputString(outputs, 'data_key_arn');
    const rows = answers.get('kms-calls-for-object')?.rows ?? [];
    const calls = rows.map((r) => `${r.eventname} by ${r.requested_by} via ${r.invoked_by}`);
    const found = calls.join(', ') || 'no KMS calls';
    const expected = 'GenerateDataKey by lab-operator via s3.amazonaws.com, Decrypt by lab-operator via s3.amazonaws.com';
    const onKey = rows.every((r) => r.key_arn === keyArn);
    if (found === expected && onKey) {
      return { ok: true, expected, found, message: `S3 called KMS for ${SEED_OBJECT} on the uploader's behalf with the lab's key: ${found}` };
    }
    return {
      ok: false,
      expected,
      found,
      message: `expected ${expected} on ${keyArn}, the logs show ${found}${onKey ? '' : ` on ${[...new Set(rows.map((r) => r.key_arn))].join(', ')}`}`,
    };
  },
};
