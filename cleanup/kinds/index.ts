import type { Kind } from '../resources';
import { workgroups } from './athena';
import { trails } from './cloudtrail';
import { instances, securityGroups } from './ec2';
import { rules } from './events';
import { groups, instanceProfiles, policies, roles, users } from './iam';
import { keys } from './kms';
import { functions } from './lambda';
import { logGroups } from './logs';
import { buckets } from './s3';
import { topics } from './sns';
import { queues } from './sqs';

/**
 * Every kind, in the order they are removed: what runs and writes first
 * (instances, then the rules, trails and functions that would act or
 * deliver), what they write to next (topics, queues, log groups, buckets),
 * network and IAM once nothing uses them, and KMS keys last, since every
 * encrypted thing above may need them until it is gone.
 */
export const KINDS: readonly Kind[] = [
  instances,
  rules,
  trails,
  functions,
  topics,
  queues,
  logGroups,
  workgroups,
  buckets,
  securityGroups,
  instanceProfiles,
  roles,
  users,
  groups,
  policies,
  keys,
];
