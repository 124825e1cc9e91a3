import { Testing } from 'cdktf';
import { TEST_SETTINGS } from '../modules/lab-stack/testing';
import { SCENARIOS, buildStacks, findScenario, stackNames } from './registry';

describe('scenario registry', () => {
  it('names one stack per scenario plus state-backend', () => {
    expect(stackNames()).toEqual(['kms-mystery', 'audit-trail', 'sse-kms-bucket', 'state-backend']);
  });

  it('gives every scenario a summary and a seed document', () => {
    for (const scenario of SCENARIOS) {
      expect(scenario.summary.length).toBeGreaterThan(20);
      expect(scenario.seed).toMatch(/^\d{3}_[0-9a-f]+\.txt$/);
    }
  });

  it('builds only the stack asked for', () => {
    expect(buildStacks(Testing.app(), TEST_SETTINGS, 'audit-trail').map((s) => s.node.id)).toEqual(['audit-trail']);
  });

  it('rejects an unknown scenario with the list of valid ones', () => {
    expect(() => findScenario('kms-mistery')).toThrow('unknown scenario "kms-mistery"; valid scenarios: kms-mystery, audit-trail, sse-kms-bucket');
  });
});
