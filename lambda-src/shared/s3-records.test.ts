import { decodeS3Key, objectsCreated } from './s3-records';

const record = (bucket: string, key: string, eventName = 'ObjectCreated:Put') => ({ eventSource: 'aws:s3', eventName, s3: { bucket: { name: bucket }, object: { key, size: 5 } } });

describe('S3 event records', () => {
  it.each([
    ['dummy.txt', 'dummy.txt'],
    ['my+report.txt', 'my report.txt'],
    ['a%2Bb.txt', 'a+b.txt'],
    ['caf%C3%A9/%E6%97%A5%E6%9C%AC.txt', 'café/日本.txt'],
  ])('decodes %s as %s', (encoded, decoded) => {
    expect(decodeS3Key(encoded)).toBe(decoded);
  });

  it('rejects a key that is not valid URL encoding', () => {
    expect(() => decodeS3Key('bad%E0%A4')).toThrow('object key "bad%E0%A4" in the event is not valid URL encoding');
  });

  it('returns every created object of the expected bucket', () => {
    expect(objectsCreated({ Records: [record('in', 'a+b'), record('in', 'c')] }, 'in')).toEqual([
      { bucket: 'in', key: 'a b', size: 5 },
      { bucket: 'in', key: 'c', size: 5 },
    ]);
  });

  it.each([
    [undefined, /event has no Records/],
    [{ Records: [] }, /event has no Records/],
    [{ Records: [{ eventSource: 'aws:sqs' }] }, /record 0 is not an S3 ObjectCreated event/],
    [{ Records: [record('in', 'x', 'ObjectRemoved:Delete')] }, /record 0 is not an S3 ObjectCreated event/],
    [{ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: {} }] }, /record 0 has no s3.bucket.name or s3.object.key/],
    [{ Records: [record('in', 'ok'), record('other', 'x')] }, /record 1 is for bucket "other", but this function only handles "in"/],
  ])('rejects the whole event %#', (event, message) => {
    expect(() => objectsCreated(event, 'in')).toThrow(message);
  });
});
