import { ec2RequestParameters, responseElementsFromXml } from './query-elements';

describe('query-protocol answers and EC2 parameters, as CloudTrail shows them', () => {
  it('writes an EC2 answer as it is, items in lists', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<RunInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>r-1</requestId><reservationId>r-0abc</reservationId><ownerId>123456789012</ownerId>
  <instancesSet><item><instanceId>i-0123</instanceId><instanceType>t3.micro</instanceType>
    <instanceState><code>0</code><name>pending</name></instanceState><ebsOptimized>false</ebsOptimized>
    <tagSet><item><key>Name</key><value>crypto-miner</value></item></tagSet></item></instancesSet>
</RunInstancesResponse>`;
    expect(responseElementsFromXml(xml)).toEqual({
      requestId: 'r-1',
      reservationId: 'r-0abc',
      ownerId: '123456789012',
      instancesSet: {
        items: [{ instanceId: 'i-0123', instanceType: 't3.micro', instanceState: { code: '0', name: 'pending' }, ebsOptimized: false, tagSet: { items: [{ key: 'Name', value: 'crypto-miner' }] } }],
      },
    });
  });

  it('writes the Result of an IAM answer in lower camel case, without the secret', () => {
    const xml = `<CreateAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateAccessKeyResult><AccessKey>
<UserName>auditor</UserName><AccessKeyId>AKIAEXAMPLE</AccessKeyId><Status>Active</Status><SecretAccessKey>wJalr&amp;secret</SecretAccessKey>
<CreateDate>2026-11-25T10:00:00Z</CreateDate></AccessKey></CreateAccessKeyResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></CreateAccessKeyResponse>`;
    expect(responseElementsFromXml(xml)).toEqual({ accessKey: { userName: 'auditor', accessKeyId: 'AKIAEXAMPLE', status: 'Active', createDate: '2026-11-25T10:00:00Z' } });
    expect(JSON.stringify(responseElementsFromXml(xml))).not.toContain('secret');
  });

  it('writes an SNS Publish answer as its message id', () => {
    const xml = '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></PublishResponse>';
    expect(responseElementsFromXml(xml)).toEqual({ messageId: 'm-1' });
  });

  it('gives nothing for text that is not well-formed XML', () => {
    expect(responseElementsFromXml('<a><b></a>')).toBeUndefined();
    expect(responseElementsFromXml('not xml')).toBeUndefined();
  });

  it('nests EC2 query fields the way CloudTrail names them', () => {
    expect(
      ec2RequestParameters({
        ImageId: 'ami-1',
        MinCount: '1',
        MaxCount: '1',
        InstanceType: 't3.micro',
        UserData: 'IyEvYmluL2Jhc2g=',
        'TagSpecification.1.ResourceType': 'instance',
        'TagSpecification.1.Tag.1.Key': 'Name',
        'TagSpecification.1.Tag.1.Value': 'crypto-miner',
        'MetadataOptions.HttpTokens': 'required',
        DisableApiTermination: 'false',
      }),
    ).toEqual({
      imageId: 'ami-1',
      minCount: '1',
      maxCount: '1',
      instanceType: 't3.micro',
      tagSpecificationSet: { items: [{ resourceType: 'instance', tagSet: { items: [{ key: 'Name', value: 'crypto-miner' }] } }] },
      metadataOptions: { httpTokens: 'required' },
      disableApiTermination: false,
    });
    expect(ec2RequestParameters({ 'InstanceId.1': 'i-1', 'InstanceId.2': 'i-2' })).toEqual({ instancesSet: { items: [{ instanceId: 'i-1' }, { instanceId: 'i-2' }] } });
    expect(ec2RequestParameters({ 'Filter.1.Name': 'tag:Name', 'Filter.1.Value.1': 'crypto-miner' })).toEqual({
      filterSet: { items: [{ name: 'tag:Name', valueSet: { items: [{ value: 'crypto-miner' }] } }] },
    });
    expect(ec2RequestParameters({})).toBeNull();
  });
});
