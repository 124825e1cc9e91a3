import {
  AbortMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ObjectIdentifier,
  S3Client,
  paginateListBuckets,
} from '@aws-sdk/client-s3';
import { DECOY_BUCKET_PREFIX, LAUNCHED_BY_TAG_KEY } from '../../modules/suspicious-api/app/contract';
import { Creator, bucketCreator } from '../creator';
import { Tags, bucketVerdict, isDecoyShaped, tagRecord } from '../match';
import { Kind, Listed, classifyByTags, removeEach } from '../resources';
import { SUSPICIOUS_API, namePrefix } from '../scope';

/** LookupEvents: 2 calls a second per account and region. */
const LOOKUP_INTERVAL_MS = 500;

/** A bucket's tags; none when it has no tag set. */
async function bucketTags(s3: S3Client, bucket: string): Promise<Tags> {
  try {
    return tagRecord((await s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet);
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchTagSet') return {};
    throw error;
  }
}

/**
 * S3 buckets in the region (ListBuckets with `BucketRegion`), each sorted by
 * its tags (GetBucketTagging): the default tags of the scenario and prefix,
 * or, for suspicious-api, `random-val-*` with `lab=cloudtrail` made by this
 * deployment's cat API (a `launched-by` tag, else CloudTrail's CreateBucket).
 * Removed after everything that writes to them (trails, functions), emptied
 * first: every object version, delete marker and unfinished multipart upload.
 */
export const buckets: Kind = {
  type: 's3-bucket',
  async find(ctx) {
    const names: string[] = [];
    for await (const page of paginateListBuckets({ client: ctx.clients.s3 }, { BucketRegion: ctx.scope.region })) {
      for (const bucket of page.Buckets ?? []) {
        // Should an endpoint ignore the filter, the region it reports for each bucket still rules.
        if (bucket.Name && (bucket.BucketRegion === undefined || bucket.BucketRegion === ctx.scope.region)) names.push(bucket.Name);
      }
    }
    // Who made a decoy without a launched-by tag: asked of CloudTrail, one lookup at a time,
    // since LookupEvents allows 2 calls a second and a throttled lookup would leave the creator unknown.
    const creators = new Map<string, Creator>();
    let lookups: Promise<unknown> = Promise.resolve();
    const lookUp = (bucket: string): Promise<Creator> => {
      const next = lookups.then(async () => {
        const creator = await bucketCreator(ctx.clients.cloudtrail, bucket);
        await ctx.sleep(LOOKUP_INTERVAL_MS);
        return creator;
      });
      lookups = next;
      return next;
    };
    const readTags = async (bucket: Listed): Promise<Tags> => {
      const tags = await bucketTags(ctx.clients.s3, bucket.id);
      if (ctx.scope.scenario === SUSPICIOUS_API && isDecoyShaped(bucket.id, tags) && tags[LAUNCHED_BY_TAG_KEY] === undefined) {
        creators.set(bucket.id, await lookUp(bucket.id));
      }
      return tags;
    };
    return classifyByTags(
      ctx,
      's3-bucket',
      names.map((name) => ({ id: name })),
      readTags,
      (bucket, tags) => bucketVerdict(bucket.id, tags, ctx.scope, creators.get(bucket.id)),
      (bucket) => bucket.id.startsWith(namePrefix(ctx.scope)) || bucket.id.startsWith(DECOY_BUCKET_PREFIX),
    );
  },
  async remove(ctx, items, report) {
    await removeEach(items, report, async (item) => {
      const emptied = await emptyBucket(ctx.clients.s3, item.id);
      await ctx.clients.s3.send(new DeleteBucketCommand({ Bucket: item.id }));
      return emptied;
    });
  },
};

/** Deletes every object version and delete marker, and aborts unfinished uploads; says how many. */
export async function emptyBucket(s3: S3Client, bucket: string): Promise<string> {
  let versions = 0;
  let markers = 0;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  // Each page is deleted before the next is asked for, starting after it.
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
    const objects: ObjectIdentifier[] = [
      ...(page.Versions ?? []).map((v) => ({ Key: v.Key!, VersionId: v.VersionId })),
      ...(page.DeleteMarkers ?? []).map((m) => ({ Key: m.Key!, VersionId: m.VersionId })),
    ];
    if (objects.length > 0) {
      const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
      if (out.Errors && out.Errors.length > 0) {
        const first = out.Errors[0];
        throw new Error(`${out.Errors.length} of ${objects.length} object versions not deleted, e.g. ${first.Key} (${first.VersionId}): ${first.Code} ${first.Message}`);
      }
    }
    versions += page.Versions?.length ?? 0;
    markers += page.DeleteMarkers?.length ?? 0;
    if (!page.IsTruncated) break;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
  let uploads = 0;
  for (;;) {
    const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    for (const upload of page.Uploads ?? []) {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key!, UploadId: upload.UploadId! }));
      uploads++;
    }
    if (!page.IsTruncated || (page.Uploads ?? []).length === 0) break;
  }
  const parts = [`${versions} object version${versions === 1 ? '' : 's'}`, `${markers} delete marker${markers === 1 ? '' : 's'}`];
  if (uploads > 0) parts.push(`${uploads} unfinished upload${uploads === 1 ? '' : 's'}`);
  return `emptied: ${parts.join(', ')}`;
}
