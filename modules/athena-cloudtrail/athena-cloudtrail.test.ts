import { KmsKey } from '../kms-key/kms-key';
import { newTestStack, ref, resourcesOf } from '../lab-stack/testing';
import { Trail } from '../trail/trail';
import { AthenaCloudTrail } from './athena-cloudtrail';

/**
 * The column list of the AWS documentation's CloudTrail table with partition
 * projection (Athena user guide, "Create the table for CloudTrail logs in
 * Athena using partition projection"), written out by hand as the golden value.
 */
const AWS_DOCUMENTED_COLUMNS = [
  'eventversion string',
  'useridentity struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,accesskeyid:string,username:string,' +
    'onbehalfof:struct<userid:string,identitystorearn:string>,' +
    'sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,' +
    'sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>,' +
    'ec2roledelivery:string,webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>>>',
  'eventtime string',
  'eventsource string',
  'eventname string',
  'awsregion string',
  'sourceipaddress string',
  'useragent string',
  'errorcode string',
  'errormessage string',
  'requestparameters string',
  'responseelements string',
  'additionaleventdata string',
  'requestid string',
  'eventid string',
  'readonly string',
  'resources array<struct<arn:string,accountid:string,type:string>>',
  'eventtype string',
  'apiversion string',
  'recipientaccountid string',
  'serviceeventdetails string',
  'sharedeventid string',
  'vpcendpointid string',
  'vpcendpointaccountid string',
  'eventcategory string',
  'addendum struct<reason:string,updatedfields:string,originalrequestid:string,originaleventid:string>',
  'sessioncredentialfromconsole string',
  'edgedevicedetails string',
  'tlsdetails struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>',
].join(',\n');

type Table = {
  parameters: Record<string, string>;
  partition_keys: { name: string; type: string }[];
  storage_descriptor: { location: string; input_format: string; output_format: string; ser_de_info: { serialization_library: string }; columns: { name: string; type: string }[] };
};

describe('AthenaCloudTrail', () => {
  function build(trailProps: ConstructorParameters<typeof Trail>[2] = {}, props: Partial<ConstructorParameters<typeof AthenaCloudTrail>[2]> = {}) {
    const stack = newTestStack();
    const trail = new Trail(stack, 'trail', trailProps);
    new AthenaCloudTrail(stack, 'athena', { trail, ...props });
    return { stack, table: resourcesOf(stack, 'aws_glue_catalog_table')[0] as unknown as Table };
  }

  it("matches the AWS documentation's column list, column for column", () => {
    const { table } = build();
    expect(table.storage_descriptor.columns.map((c) => `${c.name} ${c.type}`).join(',\n')).toBe(AWS_DOCUMENTED_COLUMNS);
  });

  it('reads the files with the CloudTrail SerDe and input format', () => {
    const { table } = build();
    expect(table.storage_descriptor).toMatchObject({
      input_format: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
      output_format: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      ser_de_info: { serialization_library: 'com.amazon.emr.hive.serde.CloudTrailSerde' },
    });
  });

  it('projects partitions on the day and, for a multi-region trail, on the listed regions', () => {
    const { table } = build({}, { regions: ['us-east-1', 'eu-west-1'] });
    expect(table.partition_keys).toEqual([{ name: 'region', type: 'string' }, { name: 'timestamp', type: 'string' }]);
    expect(table.parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.timestamp.type': 'date',
      'projection.timestamp.format': 'yyyy/MM/dd',
      'projection.timestamp.range': '2025/01/01,NOW',
      'projection.region.type': 'enum',
      'projection.region.values': 'us-east-1,eu-west-1',
    });
    expect(table.parameters['storage.location.template']).toMatch(
      /^s3:\/\/\$\{aws_s3_bucket\.trail_bucket_[0-9A-F]+\.bucket\}\/AWSLogs\/\$\{data\.aws_caller_identity\.caller\.account_id\}\/CloudTrail\/\$\$\{region\}\/\$\$\{timestamp\}$/,
    );
  });

  it('projects only the day for a single-region trail, in its region', () => {
    const { table } = build({ multiRegion: false, singleRegionReason: 'the lab runs in one region only' });
    expect(table.partition_keys).toEqual([{ name: 'timestamp', type: 'string' }]);
    expect(table.parameters['projection.region.type']).toBeUndefined();
    expect(table.parameters['storage.location.template']).toMatch(/\/CloudTrail\/us-east-1\/\$\$\{timestamp\}$/);
  });

  it('enforces the workgroup settings: encrypted, expiring results and a scan cutoff', () => {
    const { stack } = build({}, { bytesScannedCutoffPerQuery: 100 * 1024 * 1024 });
    expect(resourcesOf(stack, 'aws_athena_workgroup')[0]).toMatchObject({
      name: 'ctlab-test-lab-investigate',
      configuration: {
        enforce_workgroup_configuration: true,
        bytes_scanned_cutoff_per_query: 104857600,
        result_configuration: { encryption_configuration: { encryption_option: 'SSE_S3' }, output_location: expect.stringMatching(/^s3:\/\/\$\{aws_s3_bucket\.athena_results_bucket_/) },
      },
    });
    const lifecycle = resourcesOf(stack, 'aws_s3_bucket_lifecycle_configuration').find((l) => String(l.bucket).includes('athena_results'));
    expect((lifecycle?.rule as { expiration?: unknown }[])[1].expiration).toEqual([{ days: 7 }]);
  });

  it('saves one named query per given query', () => {
    const { stack } = build({}, { queries: [{ name: 'kms-calls-by-caller', description: 'Who calls KMS most?', sql: 'SELECT 1' }] });
    expect(resourcesOf(stack, 'aws_athena_named_query')).toEqual([
      expect.objectContaining({ name: 'kms-calls-by-caller', query: 'SELECT 1', database: ref('aws_glue_catalog_database', 'athena_database', 'name'), workgroup: ref('aws_athena_workgroup', 'athena_workgroup', 'name') }),
    ]);
  });

  it.each([
    [{ projectionStart: '2025-01-01' }, /projectionStart must be YYYY\/MM\/DD/],
    [{ bytesScannedCutoffPerQuery: 1000 }, /at least 10485760/],
    [{ regions: ['mars-1'] }, /"mars-1" is not a region code/],
    [{ queries: [{ name: 'a', description: 'd', sql: 's' }, { name: 'a', description: 'd', sql: 's' }] }, /"a" is given twice/],
  ])('rejects %p', (props, message) => {
    expect(() => build({}, props)).toThrow(message);
  });

  it('works with a trail key given by the scenario', () => {
    const stack = newTestStack();
    const trail = new Trail(stack, 'trail', { encryptionKey: new KmsKey(stack, 'k', { alias: 'k' }) });
    expect(() => new AthenaCloudTrail(stack, 'athena', { trail })).not.toThrow();
  });
});
