/**
 * What the cat API does in AWS, in one place: the app uses these values, the
 * SuspiciousApi construct scopes the instance role's IAM policy with them, and
 * a cleanup tool can find leftovers by them. Nothing here imports the AWS SDK.
 */

/** The decoy buckets: `random-val-<uuid>`, as the original names them. */
export const DECOY_BUCKET_PREFIX = 'random-val-';
/** The object written in each decoy bucket. */
export const DECOY_OBJECT_KEY = 'readme.txt';
export const DECOY_OBJECT_BODY = 'PWNED?';
/** Tag put on the decoy bucket (PutBucketTagging) and on the miner (tags on create). */
export const LAB_TAG = { key: 'lab', value: 'cloudtrail' } as const;
/** The miner's Name tag. */
export const MINER_NAME = 'crypto-miner';
/**
 * Tag naming who launched a miner (the API's deployment), so one deployment
 * never counts or terminates another deployment's miner in a shared account.
 */
export const LAUNCHED_BY_TAG_KEY = 'launched-by';
export const MINER_INSTANCE_TYPE = 't3.micro';
/** The miner's root volume: Amazon Linux's root device, the AMI's 8 GiB, encrypted. */
export const MINER_ROOT_DEVICE = '/dev/xvda';
export const MINER_ROOT_VOLUME_GIB = 8;
/** Minutes a miner runs before its user data powers it off (and the shutdown behaviour terminates it). */
export const DEFAULT_MINER_LIFETIME_MINUTES = 60;
export const MAX_MINER_LIFETIME_MINUTES = 24 * 60;

/** The tags a miner is launched with (instance and volume), in this order. */
export function minerTags(launchedBy: string): { Key: string; Value: string }[] {
  return [
    { Key: 'Name', Value: MINER_NAME },
    { Key: LAB_TAG.key, Value: LAB_TAG.value },
    { Key: LAUNCHED_BY_TAG_KEY, Value: launchedBy },
  ];
}

/**
 * The miner's user data: it mines nothing. It powers the instance off after
 * `lifetimeMinutes`; with `InstanceInitiatedShutdownBehavior=terminate` the
 * power-off is a termination, so a forgotten miner stops costing money.
 */
export function minerUserData(lifetimeMinutes: number): string {
  return [
    '#!/bin/bash',
    '# cloudtrail-labs suspicious-api lab: the "crypto-miner". It mines nothing.',
    `# It powers off after ${lifetimeMinutes} minutes; the instance is launched with`,
    '# InstanceInitiatedShutdownBehavior=terminate, so powering off terminates it.',
    `shutdown -P +${lifetimeMinutes} "cloudtrail-labs: miner lifetime over"`,
    '',
  ].join('\n');
}
