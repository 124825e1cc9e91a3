import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { MotoServer, motoAvailable, startMoto } from '../moto-server';
import { Delivery } from './delivery';
import { testTrail } from './testing';

const trail = (name: string, bucket: string) => testTrail({ name, bucket, multiRegion: false, logFileValidation: false });

describe('delivery when one trail\'s bucket is gone', () => {
  let moto: MotoServer | undefined;
  let s3: S3Client;
  beforeAll(async () => {
    if (!(await motoAvailable())) return;
    moto = await startMoto();
    s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'x' } });
    await s3.send(new CreateBucketCommand({ Bucket: 'delivery-present' }));
  }, 60_000);
  afterAll(() => moto?.stop());

  it('still delivers the other trails, keeps the failed records for the next flush, and names what failed', async () => {
    if (!moto) return;
    const delivery = new Delivery(s3, '123456789012');
    // The failing trail first: its failure must not take the next trail's records with it.
    delivery.add(trail('gone', 'delivery-gone'), { eventName: 'DeleteBucket', awsRegion: 'us-east-1', eventTime: '2026-11-25T10:00:00Z' });
    delivery.add(trail('present', 'delivery-present'), { eventName: 'PutObject', awsRegion: 'us-east-1', eventTime: '2026-11-25T10:00:01Z' });
    await expect(delivery.flush()).rejects.toThrow(/^could not deliver 1 record\(s\) of trail gone to s3:\/\/delivery-gone: /);
    expect(delivery.delivered.map((f) => f.trail)).toEqual(['arn:aws:cloudtrail:us-east-1:123456789012:trail/present']);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'delivery-present' }))).KeyCount).toBe(1);
    expect(delivery.waiting).toBe(1);
  });
});
