import { bucketVerdict, decoyBucketVerdict, instanceVerdict, kmsKeyVerdict, minerVerdict, nameVerdict, projectTagVerdict, scopeAliases, tagRecord } from './match';
import { CleanupScope, minerLaunchedBy, namePrefix } from './scope';

const suspicious: CleanupScope = { prefix: 'ctlab', scenario: 'suspicious-api', region: 'us-east-1' };
const audit: CleanupScope = { prefix: 'ctlab', scenario: 'audit-trail', region: 'us-east-1' };
const defaults = (scenario: string, prefix = 'ctlab') => ({ Project: 'cloudtrail-labs', Scenario: scenario, ManagedBy: 'cdktf', Prefix: prefix });
const miner = (launchedBy?: string) => ({ Name: 'crypto-miner', lab: 'cloudtrail', ...(launchedBy ? { 'launched-by': launchedBy } : {}) });

describe('the default tags rule', () => {
  it('matches the scope\'s Project, Scenario and Prefix', () => {
    expect(projectTagVerdict(defaults('suspicious-api'), suspicious)).toEqual({ kind: 'match', why: 'tagged Project=cloudtrail-labs, Scenario=suspicious-api, Prefix=ctlab' });
  });

  it('keeps another deployment\'s resource of the same scenario, saying whose', () => {
    expect(projectTagVerdict(defaults('suspicious-api', 'team2'), suspicious)).toEqual({ kind: 'other', reason: 'prefix team2, not ctlab' });
  });

  it('keeps another scenario of the same deployment', () => {
    expect(projectTagVerdict(defaults('kms-mystery'), suspicious)).toEqual({ kind: 'other', reason: 'scenario kms-mystery, not suspicious-api' });
  });

  it('keeps a labs resource missing the Prefix or Scenario tag', () => {
    expect(projectTagVerdict({ Project: 'cloudtrail-labs', Scenario: 'suspicious-api' }, suspicious)).toEqual({ kind: 'other', reason: 'prefix (no Prefix tag), not ctlab' });
    expect(projectTagVerdict({ Project: 'cloudtrail-labs', Prefix: 'ctlab' }, suspicious)).toEqual({ kind: 'other', reason: 'scenario (no Scenario tag), not suspicious-api' });
  });

  it('ignores what is not the project\'s, even with the right Scenario and Prefix tags', () => {
    expect(projectTagVerdict({ Scenario: 'suspicious-api', Prefix: 'ctlab' }, suspicious)).toEqual({ kind: 'unrelated' });
    expect(projectTagVerdict({ ...defaults('suspicious-api'), Project: 'other-labs' }, suspicious)).toEqual({ kind: 'unrelated' });
    expect(projectTagVerdict({}, suspicious)).toEqual({ kind: 'unrelated' });
  });
});

describe('the miner rule', () => {
  it('matches a miner launched by this deployment\'s cat API', () => {
    expect(minerLaunchedBy('ctlab')).toBe('ctlab-suspicious-api-cat-api');
    expect(minerVerdict(miner('ctlab-suspicious-api-cat-api'), suspicious)).toMatchObject({ kind: 'match' });
  });

  it('keeps a miner of another deployment, or one without launched-by', () => {
    expect(minerVerdict(miner('team2-suspicious-api-cat-api'), suspicious)).toEqual({
      kind: 'other',
      reason: 'miner launched by team2-suspicious-api-cat-api, not ctlab-suspicious-api-cat-api',
    });
    expect(minerVerdict(miner(), suspicious)).toMatchObject({ kind: 'other', reason: expect.stringContaining('(no launched-by tag)') });
  });

  it('keeps every miner when cleaning another scenario', () => {
    expect(minerVerdict(miner('ctlab-suspicious-api-cat-api'), audit)).toEqual({ kind: 'other', reason: 'a suspicious-api miner, not audit-trail' });
  });

  it('ignores an instance named crypto-miner without the lab tag', () => {
    expect(minerVerdict({ Name: 'crypto-miner', 'launched-by': 'ctlab-suspicious-api-cat-api' }, suspicious)).toEqual({ kind: 'unrelated' });
  });

  it('instances: the scenario\'s own or its miners; another scenario\'s instance is kept', () => {
    expect(instanceVerdict(defaults('suspicious-api'), suspicious)).toMatchObject({ kind: 'match', why: expect.stringMatching(/^tagged/) });
    expect(instanceVerdict(miner('ctlab-suspicious-api-cat-api'), suspicious)).toMatchObject({ kind: 'match', why: expect.stringMatching(/^miner/) });
    expect(instanceVerdict(defaults('kms-mystery'), suspicious)).toMatchObject({ kind: 'other' });
    expect(instanceVerdict({ Name: 'web' }, suspicious)).toEqual({ kind: 'unrelated' });
  });
});

describe('the decoy bucket rule', () => {
  const name = 'random-val-0b7c4b6e-3f7a-4a8e-9d63-4c1f2f0d9a11';

  it('matches random-val-* tagged lab=cloudtrail for suspicious-api, saying when it cannot tell the deployment', () => {
    expect(decoyBucketVerdict(name, { lab: 'cloudtrail' }, suspicious, { known: false, reason: 'no CreateBucket event in the last 90 days of CloudTrail event history' })).toEqual({
      kind: 'match',
      why: 'decoy: random-val-* tagged lab=cloudtrail; who made it is unknown: no CreateBucket event in the last 90 days of CloudTrail event history; any suspicious-api deployment in this account may have',
    });
  });

  it('tells the deployment by who created the decoy according to CloudTrail: this one\'s cat API role, or another', () => {
    expect(decoyBucketVerdict(name, { lab: 'cloudtrail' }, suspicious, { known: true, principal: 'ctlab-suspicious-api-cat-api' })).toEqual({
      kind: 'match',
      why: 'decoy: random-val-* tagged lab=cloudtrail, created by ctlab-suspicious-api-cat-api (CloudTrail CreateBucket)',
    });
    expect(decoyBucketVerdict(name, { lab: 'cloudtrail' }, suspicious, { known: true, principal: 'team2-suspicious-api-cat-api' })).toEqual({
      kind: 'other',
      reason: 'decoy bucket created by team2-suspicious-api-cat-api (CloudTrail CreateBucket), not ctlab-suspicious-api-cat-api',
    });
    // A person who made a look-alike bucket by hand is not the cat API either.
    expect(decoyBucketVerdict(name, { lab: 'cloudtrail' }, suspicious, { known: true, principal: 'alice' })).toMatchObject({ kind: 'other' });
  });

  it('trusts a launched-by tag over CloudTrail: another deployment\'s decoy is kept', () => {
    const byUs = { known: true as const, principal: 'ctlab-suspicious-api-cat-api' };
    expect(decoyBucketVerdict(name, { lab: 'cloudtrail', 'launched-by': 'team2-suspicious-api-cat-api' }, suspicious, byUs)).toMatchObject({ kind: 'other' });
    expect(decoyBucketVerdict(name, { lab: 'cloudtrail', 'launched-by': 'ctlab-suspicious-api-cat-api' }, suspicious)).toMatchObject({ kind: 'match' });
  });

  it('ignores a random-val-* bucket without the tag, and a tagged bucket of another name', () => {
    expect(decoyBucketVerdict(name, {}, suspicious)).toEqual({ kind: 'unrelated' });
    expect(decoyBucketVerdict(name, { lab: 'other' }, suspicious)).toEqual({ kind: 'unrelated' });
    expect(decoyBucketVerdict('my-random-val-1', { lab: 'cloudtrail' }, suspicious)).toEqual({ kind: 'unrelated' });
  });

  it('keeps decoys when cleaning another scenario', () => {
    expect(bucketVerdict(name, { lab: 'cloudtrail' }, audit)).toEqual({ kind: 'other', reason: 'a suspicious-api decoy bucket, not audit-trail' });
  });

  it('buckets: the scenario\'s own by tags; another prefix\'s is kept; an untagged one ignored', () => {
    expect(bucketVerdict('ctlab-suspicious-api-trail-123456789012', defaults('suspicious-api'), suspicious)).toMatchObject({ kind: 'match' });
    expect(bucketVerdict('team2-suspicious-api-trail-123456789012', defaults('suspicious-api', 'team2'), suspicious)).toMatchObject({ kind: 'other' });
    // The name alone is never enough for a bucket.
    expect(bucketVerdict('ctlab-suspicious-api-trail-123456789012', {}, suspicious)).toEqual({ kind: 'unrelated' });
  });
});

describe('the KMS key rule', () => {
  it('matches by the default tags, or by an alias of the scenario when the key has no labs tags', () => {
    expect(kmsKeyVerdict(defaults('audit-trail'), [], audit)).toMatchObject({ kind: 'match' });
    expect(kmsKeyVerdict({}, ['alias/ctlab-audit-trail-trail'], audit)).toEqual({ kind: 'match', why: 'alias alias/ctlab-audit-trail-trail' });
  });

  it('keeps a key whose tags name another scenario or prefix, whatever its alias says', () => {
    expect(kmsKeyVerdict(defaults('kms-mystery'), ['alias/ctlab-audit-trail-trail'], audit)).toMatchObject({ kind: 'other' });
    expect(kmsKeyVerdict(defaults('audit-trail', 'team2'), ['alias/ctlab-audit-trail-trail'], audit)).toMatchObject({ kind: 'other' });
  });

  it('ignores a key with another deployment\'s alias, or an alias that only starts alike', () => {
    expect(kmsKeyVerdict({}, ['alias/team2-audit-trail-trail'], audit)).toEqual({ kind: 'unrelated' });
    expect(kmsKeyVerdict({}, ['alias/ctlab-audit-trailx'], audit)).toEqual({ kind: 'unrelated' });
  });

  it('deletes only the aliases carrying the scope\'s names', () => {
    expect(scopeAliases(['alias/ctlab-audit-trail-trail', 'alias/mine', 'alias/team2-audit-trail-x'], audit)).toEqual(['alias/ctlab-audit-trail-trail']);
  });
});

describe('the name rule (IAM, Athena workgroups)', () => {
  it('matches <prefix>-<scenario>-*, with or without tags', () => {
    expect(namePrefix(suspicious)).toBe('ctlab-suspicious-api-');
    expect(nameVerdict('ctlab-suspicious-api-cat-api', undefined, suspicious)).toEqual({ kind: 'match', why: 'named ctlab-suspicious-api-*' });
    expect(nameVerdict('ctlab-suspicious-api-cat-api', defaults('suspicious-api'), suspicious)).toEqual({ kind: 'match', why: 'named ctlab-suspicious-api-* and tagged' });
  });

  it('ignores another prefix, another scenario, and a name that only starts alike', () => {
    expect(nameVerdict('team2-suspicious-api-cat-api', undefined, suspicious)).toEqual({ kind: 'unrelated' });
    expect(nameVerdict('ctlab-kms-mystery-dispatcher', undefined, suspicious)).toEqual({ kind: 'unrelated' });
    expect(nameVerdict('ctlab-suspicious-apix', undefined, suspicious)).toEqual({ kind: 'unrelated' });
    expect(nameVerdict('ctlab-suspicious-api', undefined, suspicious)).toEqual({ kind: 'unrelated' });
  });

  it('keeps an entity named like the scope whose tags name another deployment', () => {
    expect(nameVerdict('ctlab-suspicious-api-cat-api', defaults('suspicious-api', 'ctlab2'), suspicious)).toEqual({
      kind: 'other',
      reason: 'named ctlab-suspicious-api-* but its tags say prefix ctlab2, not ctlab',
    });
  });
});

describe('tag lists', () => {
  it('become records; entries without a key are dropped, a missing value is empty', () => {
    expect(tagRecord([{ Key: 'a', Value: '1' }, { Value: 'x' }, { Key: 'b' }])).toEqual({ a: '1', b: '' });
    expect(tagRecord(undefined)).toEqual({});
  });
});
