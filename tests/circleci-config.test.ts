import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '..');
const config = parse(fs.readFileSync(path.join(root, '.circleci/config.yml'), 'utf8')) as {
  version: number;
  jobs: Record<string, { steps: unknown[] }>;
  commands: Record<string, { steps: unknown[] }>;
  workflows: Record<string, { jobs: unknown[] }>;
};
const scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** Every shell command the config runs, from jobs and reusable commands. */
function commandsOf(steps: unknown[]): string[] {
  return steps.flatMap((step) => {
    if (typeof step === 'string') return [];
    const run = (step as { run?: string | { command: string } }).run;
    if (run === undefined) return [];
    return [typeof run === 'string' ? run : run.command];
  });
}

describe('.circleci/config.yml', () => {
  const allCommands = [...Object.values(config.jobs), ...Object.values(config.commands)].flatMap((j) => commandsOf(j.steps));

  it('parses as CircleCI 2.1 with test, synth and plan jobs in one workflow', () => {
    expect(config.version).toBe(2.1);
    expect(Object.keys(config.jobs).sort()).toEqual(['plan', 'synth', 'test']);
    const workflowJobs = Object.values(config.workflows)[0].jobs.map((j) => (typeof j === 'string' ? j : Object.keys(j as object)[0]));
    expect(workflowJobs).toEqual(['test', 'synth', 'plan']);
  });

  it('calls only npm scripts that exist', () => {
    const called = allCommands.flatMap((c) => [...c.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]));
    expect(called.length).toBeGreaterThan(0);
    for (const name of called) expect(Object.keys(scripts)).toContain(name);
  });

  it('runs the README test command: npm ci, then npm test', () => {
    expect(allCommands).toContain('npm ci');
    expect(commandsOf(config.jobs.test.steps)).toContain('npm test');
  });

  it('keeps the plan job, which needs AWS credentials, behind a context', () => {
    const planEntry = Object.values(config.workflows)[0].jobs.find((j) => typeof j === 'object' && 'plan' in (j as object)) as { plan: { context: string } };
    expect(planEntry.plan.context).toBe('aws-plan');
  });
});
