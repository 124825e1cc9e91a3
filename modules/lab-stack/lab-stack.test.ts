import { LabStack } from './lab-stack';
import { newTestStack, synthObject } from './testing';
import { Testing } from 'cdktf';

describe('LabStack', () => {
  it('tags every resource through the provider default tags', () => {
    const out = synthObject(newTestStack('my-lab'));
    const provider = (out.provider as { aws: { default_tags: { tags: Record<string, string> }[] }[] }).aws[0];
    expect(provider.default_tags[0].tags).toEqual({ Project: 'cloudtrail-labs', Scenario: 'my-lab', ManagedBy: 'cdktf', Prefix: 'ctlab' });
  });

  it('uses a local state file next to the project when no state bucket is configured', () => {
    const out = synthObject(newTestStack('my-lab'));
    expect((out.terraform as { backend: unknown }).backend).toEqual({ local: { path: '../../../terraform.my-lab.tfstate' } });
  });

  it('uses the S3 backend with native S3 locking when a state bucket is configured', () => {
    const stack = newTestStack('my-lab', { prefix: 'team1', region: 'eu-west-1', stateBackend: { bucket: 'my-state', region: 'eu-west-1' } });
    const backend = (synthObject(stack).terraform as { backend: { s3: Record<string, unknown> } }).backend.s3;
    expect(backend).toEqual({ bucket: 'my-state', key: 'team1/my-lab/terraform.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true });
  });

  it('points every service at the endpoint in local mode and fails fast', () => {
    const stack = newTestStack('my-lab', { prefix: 'ctlab', region: 'us-east-1', endpoint: 'http://127.0.0.1:4566' });
    const provider = (synthObject(stack).provider as { aws: Record<string, unknown>[] }).aws[0];
    const endpoints = (provider.endpoints as Record<string, string>[])[0];
    expect(endpoints.s3).toBe('http://127.0.0.1:4566');
    expect(endpoints.cloudtrail).toBe('http://127.0.0.1:4566');
    expect(endpoints.kms).toBe('http://127.0.0.1:4566');
    expect(provider.s3_use_path_style).toBe(true);
    expect(provider.max_retries).toBe(2);
  });

  it('rejects an invalid prefix before building anything', () => {
    expect(() => new LabStack(Testing.app(), 'x', { settings: { prefix: 'Bad_Prefix', region: 'us-east-1' }, description: '' })).toThrow(
      /invalid prefix "Bad_Prefix"/,
    );
  });

  it('fails when a module is used outside a LabStack', () => {
    const { TerraformStack } = jest.requireActual('cdktf') as typeof import('cdktf');
    const plain = new TerraformStack(Testing.app(), 'plain');
    expect(() => LabStack.of(plain)).toThrow(/must be created inside a LabStack/);
  });
});
