import { Testing } from 'cdktf';
import { TEST_SETTINGS, synthObject } from '../modules/lab-stack/testing';
import { SuspiciousApi } from '../modules/suspicious-api/suspicious-api';
import { suspiciousApi } from '../scenarios/suspicious-api/stack';
import { PROJECT_TAG_KEYS } from './match';
import { minerLaunchedBy, namePrefix } from './scope';

// The cleanup finds leftovers by what the stacks deploy: check it reads the same names and tags.
describe('cleanup scope against the suspicious-api stack', () => {
  const stack = suspiciousApi.build(Testing.app(), { ...TEST_SETTINGS, prefix: 'team7', allowedCidrs: ['203.0.113.7/32'] });
  const synthesized = synthObject(stack);

  it('expects the launched-by value the cat API tags its miners with', () => {
    const api = stack.node.findChild('api') as SuspiciousApi;
    expect(minerLaunchedBy('team7')).toBe(api.launchedBy);
  });

  it('expects the cat API role to be named like its launched-by tag (decoys are told apart by the role that created them)', () => {
    const roles = Object.values(synthesized.resource.aws_iam_role ?? {}).map((r) => r.name);
    expect(roles).toContain(minerLaunchedBy('team7'));
  });

  it('matches the provider default tags and the names of the IAM entities', () => {
    const provider = (synthesized.provider as { aws: { default_tags: { tags: Record<string, string> }[] }[] }).aws[0];
    expect(provider.default_tags[0].tags).toMatchObject({ [PROJECT_TAG_KEYS.project]: 'cloudtrail-labs', [PROJECT_TAG_KEYS.scenario]: 'suspicious-api', [PROJECT_TAG_KEYS.prefix]: 'team7' });
    const iamNames = ['aws_iam_role', 'aws_iam_instance_profile'].flatMap((type) => Object.values(synthesized.resource[type] ?? {}).map((r) => r.name as string));
    expect(iamNames.length).toBeGreaterThan(0);
    for (const name of iamNames) expect(name.startsWith(namePrefix({ prefix: 'team7', scenario: 'suspicious-api' }))).toBe(true);
  });
});
