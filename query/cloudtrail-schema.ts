/**
 * The CloudTrail log table, column by column, as the AWS documentation defines
 * it for Athena with partition projection
 * (https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html).
 * One definition feeds the Glue table (Hive types), the local DuckDB engine
 * (the JSON reader's schema and the view's lowercase types) and their tests.
 */
export type FieldType =
  | 'string'
  /** A JSON object in the log file, a string column in Athena (requestparameters and friends). */
  | 'json'
  | { readonly struct: readonly Field[] }
  | { readonly array: FieldType }
  | { readonly map: 'string' };

export interface Field {
  /** Athena's lowercase name. */
  readonly name: string;
  /** The key in the log file's JSON. */
  readonly json: string;
  readonly type: FieldType;
}

const s = (json: string): Field => ({ name: json.toLowerCase(), json, type: 'string' });
const j = (json: string): Field => ({ name: json.toLowerCase(), json, type: 'json' });
const struct = (json: string, fields: Field[]): Field => ({ name: json.toLowerCase(), json, type: { struct: fields } });

export const CLOUDTRAIL_COLUMNS: readonly Field[] = [
  s('eventVersion'),
  struct('userIdentity', [
    s('type'),
    s('principalId'),
    s('arn'),
    s('accountId'),
    s('invokedBy'),
    s('accessKeyId'),
    s('userName'),
    struct('onBehalfOf', [s('userId'), s('identityStoreArn')]),
    struct('sessionContext', [
      struct('attributes', [s('mfaAuthenticated'), s('creationDate')]),
      struct('sessionIssuer', [s('type'), s('principalId'), s('arn'), s('accountId'), s('userName')]),
      s('ec2RoleDelivery'),
      struct('webIdFederationData', [s('federatedProvider'), { name: 'attributes', json: 'attributes', type: { map: 'string' } }]),
    ]),
  ]),
  s('eventTime'),
  s('eventSource'),
  s('eventName'),
  s('awsRegion'),
  s('sourceIPAddress'),
  s('userAgent'),
  s('errorCode'),
  s('errorMessage'),
  j('requestParameters'),
  j('responseElements'),
  j('additionalEventData'),
  s('requestID'),
  s('eventID'),
  s('readOnly'),
  { name: 'resources', json: 'resources', type: { array: { struct: [s('ARN'), s('accountId'), s('type')] } } },
  s('eventType'),
  s('apiVersion'),
  s('recipientAccountId'),
  j('serviceEventDetails'),
  s('sharedEventID'),
  s('vpcEndpointId'),
  s('vpcEndpointAccountId'),
  s('eventCategory'),
  struct('addendum', [s('reason'), s('updatedFields'), s('originalRequestID'), s('originalEventID')]),
  s('sessionCredentialFromConsole'),
  j('edgeDeviceDetails'),
  struct('tlsDetails', [s('tlsVersion'), s('cipherSuite'), s('clientProvidedHostHeader')]),
];

/** Partition columns: the day (`yyyy/MM/dd`) and, for multi-region trails, the region. */
export const PARTITION_TIMESTAMP = 'timestamp';
export const PARTITION_REGION = 'region';

/** The CloudTrail SerDe and input format Athena reads the delivered files with. */
export const CLOUDTRAIL_SERDE = 'com.amazon.emr.hive.serde.CloudTrailSerde';
export const CLOUDTRAIL_INPUT_FORMAT = 'com.amazon.emr.cloudtrail.CloudTrailInputFormat';
export const HIVE_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

/** Hive type, as Glue and Athena DDL write it: `STRUCT<type:STRING,...>`. */
export function hiveType(type: FieldType): string {
  if (type === 'string' || type === 'json') return 'string';
  if ('struct' in type) return `struct<${type.struct.map((f) => `${f.name}:${hiveType(f.type)}`).join(',')}>`;
  if ('array' in type) return `array<${hiveType(type.array)}>`;
  return 'map<string,string>';
}

/** DuckDB type for reading the JSON file: field names exactly as in the file. */
export function duckReadType(type: FieldType): string {
  if (type === 'string') return 'VARCHAR';
  if (type === 'json') return 'JSON';
  if ('struct' in type) return `STRUCT(${type.struct.map((f) => `"${f.json}" ${duckReadType(f.type)}`).join(', ')})`;
  if ('array' in type) return `${duckReadType(type.array)}[]`;
  return 'MAP(VARCHAR, VARCHAR)';
}

/** DuckDB type of the view's column: Athena's lowercase names, JSON as text. */
export function duckViewType(type: FieldType): string {
  if (type === 'string' || type === 'json') return 'VARCHAR';
  if ('struct' in type) return `STRUCT(${type.struct.map((f) => `"${f.name}" ${duckViewType(f.type)}`).join(', ')})`;
  if ('array' in type) return `${duckViewType(type.array)}[]`;
  return 'MAP(VARCHAR, VARCHAR)';
}
