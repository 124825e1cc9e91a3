import { Testing } from 'cdktf';
import { TEST_SETTINGS } from '../modules/lab-stack/testing';
import { loadQueries } from '../query/catalog';
import { SCENARIOS, buildStacks, findScenario, stackNames } from './registry';

describe('scenario registry', () => {
  it('names one stack per scenario plus state-backend', () => {
    expect(stackNames()).toEqual(['kms-mystery', 'audit-trail', 'sse-kms-bucket', 'suspicious-api', 'state-backend']);
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
    expect(() => findScenario('kms-mistery')).toThrow('unknown scenario "kms-mistery"; valid scenarios: kms-mystery, audit-trail, sse-kms-bucket, suspicious-api');
  });
});

describe('every lab with a trail', () => {
  it.each(SCENARIOS.map((s) => s.name))('%s gets the Athena table, workgroup and its named queries', (name) => {
    const stack = findScenario(name).build(Testing.app(), TEST_SETTINGS);
    const out = JSON.parse(Testing.synth(stack, true)) as { resource: Record<string, Record<string, { name?: string; query?: string }>> };
    for (const saved of Object.values(out.resource.aws_athena_named_query ?? {})) expect(saved.query).not.toMatch(/\{\{/);
    expect(Object.keys(out.resource.aws_glue_catalog_table ?? {})).toHaveLength(1);
    expect(Object.keys(out.resource.aws_athena_workgroup ?? {})).toHaveLength(1);
    const saved = Object.values(out.resource.aws_athena_named_query ?? {}).map((q) => q.name).sort();
    expect(saved).toEqual(loadQueries(name).map((q) => q.name).sort());
    expect(saved.length).toBeGreaterThan(0);
  });
});
