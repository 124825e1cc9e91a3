import { DEFAULT_PREFIX, readSettings, validatePrefix } from './settings';
import { Naming } from './naming';

describe('readSettings', () => {
  it('defaults to the ctlab prefix, us-east-1 and local state', () => {
    expect(readSettings({})).toEqual({ prefix: DEFAULT_PREFIX, region: 'us-east-1', stateBackend: undefined, localStateDir: undefined, endpoint: undefined, kmsSchemes: undefined });
  });

  it('reads the environment before cdktf context', () => {
    const settings = readSettings({ CTLAB_PREFIX: 'envp' }, (key) => ({ prefix: 'ctxp', region: 'eu-west-1' })[key]);
    expect(settings.prefix).toBe('envp');
    expect(settings.region).toBe('eu-west-1');
  });

  it('configures the S3 backend from CTLAB_STATE_BUCKET, in the stack region unless told', () => {
    expect(readSettings({ CTLAB_STATE_BUCKET: 'my-state', CTLAB_REGION: 'eu-west-3' }).stateBackend).toEqual({ bucket: 'my-state', region: 'eu-west-3' });
  });

  it('rejects a state bucket name S3 would reject', () => {
    expect(() => readSettings({ CTLAB_STATE_BUCKET: 'My_State' })).toThrow(/invalid state bucket "My_State": S3 bucket names are 3 to 63/);
  });

  it('rejects a region that is not a region code', () => {
    expect(() => readSettings({ CTLAB_REGION: 'virginia' })).toThrow(/invalid region "virginia": expected an AWS region code/);
  });

  it('rejects an endpoint that is not an http URL', () => {
    expect(() => readSettings({ CTLAB_ENDPOINT: 'localhost:4566' })).toThrow(/endpoint must be an http\(s\) URL/);
  });
});

describe('validatePrefix', () => {
  it.each(['ab', 'ctlab', 'team-7', 'a1234567890123bc'])('accepts %s', (prefix) => {
    expect(() => validatePrefix(prefix)).not.toThrow();
  });

  it.each([
    ['Upper', /lowercase letters, digits and hyphens/],
    ['has_underscore', /lowercase letters, digits and hyphens/],
    ['has.dot', /lowercase letters, digits and hyphens/],
    ['-lead', /starting with a letter/],
    ['trail-', /ending with a letter or digit/],
    ['1abc', /starting with a letter/],
    ['a', /it is 1 characters long/],
    ['abcdefghijklmnopq', /it is 17 characters long; a prefix is 2 to 16/],
    ['a--b', /consecutive hyphens/],
  ])('rejects %s with the reason', (prefix, reason) => {
    expect(() => validatePrefix(prefix)).toThrow(reason);
  });
});

describe('Naming', () => {
  it('puts the prefix and scenario first', () => {
    const naming = new Naming('ctlab', 'audit-trail');
    expect(naming.name('trail')).toBe('ctlab-audit-trail-trail');
    expect(naming.bucketName('logs', '123456789012')).toBe('ctlab-audit-trail-logs-123456789012');
  });

  it('rejects a bucket name S3 would find too long', () => {
    const naming = new Naming('abcdefghijklmnop', 'sse-kms-bucket');
    expect(() => naming.bucketName('a-very-long-purpose-name-here', '123456789012')).toThrow(/S3 allows 63/);
  });
});
