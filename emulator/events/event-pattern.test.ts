import { EventPatternError, matchesEventPattern, parseEventPattern } from './event-pattern';

// The sample event of the EventBridge user guide, with a few more fields.
const EVENT = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
    tags: ['blue', 'prod'],
    enabled: true,
    owner: null,
    file: 'reports/2017/summary.PNG',
    disks: [{ type: 'gp3', size: 100 }, { type: 'io2', size: 500 }],
  },
};

const matches = (pattern: object) => matchesEventPattern(parseEventPattern(pattern), EVENT);

describe('EventBridge event patterns: matching', () => {
  it.each<[string, object, boolean]>([
    ['exact values in arrays (any of them)', { source: ['aws.s3', 'aws.ec2'] }, true],
    ['exact values in arrays, none present', { source: ['aws.s3'] }, false],
    ['every field named must match', { source: ['aws.ec2'], region: ['eu-west-1'] }, false],
    ['nested objects', { detail: { state: ['running'] } }, true],
    ['nested objects, other value', { detail: { state: ['stopped'] } }, false],
    ['a field missing from the event', { detail: { missing: ['x'] } }, false],
    ['an event array: any element', { detail: { tags: ['prod'] } }, true],
    ['an event array: no element', { detail: { tags: ['dev'] } }, false],
    ['numbers exactly', { detail: { 'c-count': [5] } }, true],
    ['a number does not equal its string', { detail: { 'c-count': ['5'] } }, false],
    ['booleans', { detail: { enabled: [true] } }, true],
    ['null', { detail: { owner: [null] } }, true],
    ['null does not match a missing field', { detail: { missing: [null] } }, false],
    ['arrays of objects: any element', { detail: { disks: { type: ['io2'] } } }, true],
    ['arrays of objects: no element', { detail: { disks: { type: ['st1'] } } }, false],
    ['prefix', { time: [{ prefix: '2017-10-02' }] }, true],
    ['prefix, not matching', { time: [{ prefix: '2018' }] }, false],
    ['prefix does not match numbers', { detail: { 'c-count': [{ prefix: '5' }] } }, false],
    ['prefix ignoring case', { detail: { file: [{ prefix: { 'equals-ignore-case': 'REPORTS/' } }] } }, true],
    ['suffix', { detail: { file: [{ suffix: '.PNG' }] } }, true],
    ['suffix is case sensitive', { detail: { file: [{ suffix: '.png' }] } }, false],
    ['suffix ignoring case', { detail: { file: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, true],
    ['equals-ignore-case', { source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, true],
    ['equals-ignore-case, other value', { source: [{ 'equals-ignore-case': 'AWS.S3' }] }, false],
    ['wildcard', { detail: { file: [{ wildcard: 'reports/*/summary.*' }] } }, true],
    ['wildcard, not matching', { detail: { file: [{ wildcard: 'logs/*' }] } }, false],
    ['anything-but a value', { detail: { state: [{ 'anything-but': 'initializing' }] } }, true],
    ['anything-but the value itself', { detail: { state: [{ 'anything-but': 'running' }] } }, false],
    ['anything-but a number', { detail: { 'c-count': [{ 'anything-but': 6 }] } }, true],
    ['anything-but a list of strings', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, true],
    ['anything-but a list holding the value', { detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } }, false],
    ['anything-but a list of numbers holding the value', { detail: { 'c-count': [{ 'anything-but': [100, 5] }] } }, false],
    ['anything-but a prefix', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, true],
    ['anything-but the value\'s prefix', { detail: { state: [{ 'anything-but': { prefix: 'run' } }] } }, false],
    ['anything-but a suffix', { detail: { file: [{ 'anything-but': { suffix: '.PNG' } }] } }, false],
    ['anything-but ignoring case', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'RUNNING' } }] } }, false],
    ['anything-but does not match a missing field', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
    ['numeric range', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, true],
    ['numeric range, outside', { detail: { 'd-count': [{ numeric: ['>', 3, '<', 10] }] } }, false],
    ['numeric equality', { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, true],
    ['numeric does not match strings', { detail: { state: [{ numeric: ['>', 0] }] } }, false],
    ['exists true', { detail: { state: [{ exists: true }] } }, true],
    ['exists true, field missing', { detail: { missing: [{ exists: true }] } }, false],
    ['exists false, field missing', { detail: { missing: [{ exists: false }] } }, true],
    ['exists false, field present', { detail: { state: [{ exists: false }] } }, false],
    ['exists only sees leaves: an object is not there', { detail: [{ exists: false }] }, true],
    ['cidr', { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, true],
    ['cidr, outside', { detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } }, false],
    ['$or, one branch matching', { source: ['aws.ec2'], $or: [{ region: ['eu-west-1'] }, { detail: { state: ['running'] } }] }, true],
    ['$or, no branch matching', { $or: [{ region: ['eu-west-1'] }, { detail: { state: ['stopped'] } }] }, false],
    ['$or nested in an object', { detail: { $or: [{ state: ['stopped'] }, { 'c-count': [{ numeric: ['>=', 5] }] }] } }, true],
  ])('%s', (_label, pattern, expected) => {
    expect(matches(pattern)).toBe(expected);
  });

  it('matches the rule of the EC2 lab on running and stopped, and on nothing else', () => {
    const pattern = parseEventPattern('{"source":["aws.ec2"],"detail-type":["EC2 Instance State-change Notification"],"detail":{"state":["running","stopped"]}}');
    const withState = (state: string) => ({ ...EVENT, detail: { 'instance-id': 'i-1', state } });
    expect(['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'].filter((s) => matchesEventPattern(pattern, withState(s)))).toEqual(['running', 'stopped']);
  });
});

describe('EventBridge event patterns: rejects what EventBridge refuses, naming the fault', () => {
  it.each<[string, string | object, string]>([
    ['not JSON', '{"source": [', 'not JSON'],
    ['not an object', '["aws.ec2"]', 'the pattern must be a JSON object, got an array'],
    ['a bare string value', { source: 'aws.ec2' }, '"source" must be an object or an array, got string "aws.ec2"'],
    ['an empty array', { detail: { state: [] } }, '"detail.state": empty arrays are not allowed'],
    ['an unknown operator', { source: [{ 'starts-with': 'aws.' }] }, '"source": unknown operator "starts-with"'],
    ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }, 'exactly one operator, got prefix, suffix'],
    ['prefix of a number', { source: [{ prefix: 5 }] }, '"source": prefix needs a string, got number 5'],
    ['numeric with a bad operator', { n: [{ numeric: ['!=', 5] }] }, 'numeric operator "!=" is not one of'],
    ['numeric without a number', { n: [{ numeric: ['>', '5'] }] }, 'numeric operator > needs a number, got string "5"'],
    ['numeric range upside down', { n: [{ numeric: ['<', 5, '>', 1] }] }, 'a lower bound (> or >=) then an upper bound'],
    ['exists not boolean', { n: [{ exists: 'yes' }] }, 'exists needs true or false'],
    ['anything-but of mixed types', { n: [{ 'anything-but': ['a', 1] }] }, 'only strings or only numbers'],
    ['anything-but of an unknown operator', { n: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'anything-but does not take "numeric"'],
    ['consecutive wildcards', { n: [{ wildcard: 'a**b' }] }, 'consecutive wildcard characters'],
    ['$or with one branch', { $or: [{ source: ['a'] }] }, '"$or" needs an array of at least two pattern objects'],
    ['a fault inside $or', { $or: [{ source: ['a'] }, { region: 'x' }] }, '"region" must be an object or an array'],
    ['an IPv6 cidr', { ip: [{ cidr: '2001:db8::/32' }] }, 'is not an IPv4 CIDR block'],
  ])('rejects %s', (_label, pattern, message) => {
    expect(() => parseEventPattern(pattern)).toThrow(EventPatternError);
    expect(() => parseEventPattern(pattern)).toThrow(message);
  });

  it('rejects with the wording of EventBridge\'s InvalidEventPatternException', () => {
    expect(() => parseEventPattern({ source: 'x' })).toThrow(/^Event pattern is not valid\. Reason: /);
  });
});
