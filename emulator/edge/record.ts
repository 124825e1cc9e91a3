import { randomUUID } from 'node:crypto';
import { Identity, userIdentityOf } from './identities';
import { Operation } from './operation';
import { ec2RequestParameters, responseElementsFromXml } from './query-elements';

/** Request fields CloudTrail never records: secrets, plaintext and payloads. */
const SECRET_FIELDS = new Set(['Plaintext', 'CiphertextBlob', 'Body', 'Payload', 'Password', 'SecretAccessKey', 'SessionToken', 'PrivateKey', 'ZipFile', 'SecretString', 'Value']);
const SOURCES: Record<string, string> = { logs: 'logs.amazonaws.com', events: 'events.amazonaws.com', monitoring: 'monitoring.amazonaws.com' };
const KMS_CRYPTO = /^(Encrypt|Decrypt|ReEncrypt|GenerateDataKey\w*|GenerateRandom|Sign|Verify|GenerateMac|VerifyMac)$/;
const S3_DATA = /^(GetObject|PutObject|HeadObject|DeleteObjects?|CopyObject|\w*ObjectTagging|CreateMultipartUpload|UploadPart|CompleteMultipartUpload|AbortMultipartUpload|ListParts|GetObjectAcl|PutObjectAcl)$/;

export function isDataEvent(op: Pick<Operation, 'service' | 'name'>): boolean {
  return (op.service === 's3' && S3_DATA.test(op.name)) || (op.service === 'lambda' && op.name === 'Invoke');
}

export function isReadOnly(op: Pick<Operation, 'service' | 'name'>): boolean {
  if (op.service === 'kms' && KMS_CRYPTO.test(op.name)) return true;
  return /^(Get|List|Describe|Head|Lookup|Search|Batch(Get|Describe))/.test(op.name);
}

function lowerFirst(key: string): string {
  return key.length ? key[0].toLowerCase() + key.slice(1) : key;
}

/** Top-level parameter names in CloudTrail's lowerCamelCase (values, such as encryption contexts, untouched), secrets dropped. */
function visibleParams(params: Record<string, unknown>): Record<string, unknown> | null {
  const entries = Object.entries(params).filter(([k, v]) => v !== undefined && !SECRET_FIELDS.has(k));
  return entries.length ? Object.fromEntries(entries.map(([k, v]) => [lowerFirst(k), v])) : null;
}

function resourcesOf(op: Operation, accountId: string, response: Record<string, unknown>): Record<string, unknown>[] | undefined {
  if (op.service === 'kms') {
    const keyId = [op.params.KeyId, response.KeyId].find((k) => typeof k === 'string' && k.startsWith('arn:')) as string | undefined;
    return keyId ? [{ accountId, type: 'AWS::KMS::Key', ARN: keyId }] : undefined;
  }
  if (op.service === 's3' && typeof op.params.bucketName === 'string') {
    const bucket = { type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${op.params.bucketName}`, accountId };
    return typeof op.params.key === 'string' ? [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${op.params.bucketName}/${op.params.key}` }, bucket] : [bucket];
  }
  if (op.service === 'lambda' && typeof op.params.functionName === 'string') {
    const name = op.params.functionName;
    return [{ accountId, type: 'AWS::Lambda::Function', ARN: name.startsWith('arn:') ? name : `arn:aws:lambda:${op.region}:${accountId}:function:${name}` }];
  }
  return undefined;
}

export interface CallOutcome {
  readonly status: number;
  /** The response body as JSON, when it is JSON. */
  readonly json?: Record<string, unknown>;
  /** The response body when it is XML (query-protocol services, S3). @default - not XML */
  readonly xml?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly requestId?: string;
}

/** Services whose XML answers CloudTrail shows as responseElements; S3's it does not (only a few headers). */
const QUERY_PROTOCOL = new Set(['ec2', 'iam', 'sts', 'sns', 'sqs']);

function queryResponseElements(op: Operation, xml: string | undefined): Record<string, unknown> | null {
  if (!xml || !QUERY_PROTOCOL.has(op.service)) return null;
  return responseElementsFromXml(xml) ?? null;
}

export interface RecordContext {
  readonly accountId: string;
  readonly identity?: Identity;
  readonly sourceIp: string;
  readonly userAgent?: string;
  readonly host?: string;
  readonly now?: Date;
}

/** One CloudTrail record for one call, with the documented fields and shapes. */
export function buildRecord(op: Operation, outcome: CallOutcome, context: RecordContext): Record<string, unknown> {
  const data = isDataEvent(op);
  const readOnly = isReadOnly(op);
  const failed = outcome.status >= 400;
  const response = outcome.json ?? {};
  const responseElements = failed || readOnly ? null : outcome.json ? visibleParams(Object.fromEntries(Object.entries(response).filter(([, v]) => v === null || typeof v !== 'object'))) : queryResponseElements(op, outcome.xml);
  return {
    eventVersion: '1.11',
    userIdentity: context.identity && op.accessKeyId ? userIdentityOf(context.identity, op.accessKeyId) : { type: 'Unknown', accessKeyId: op.accessKeyId },
    eventTime: (context.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: SOURCES[op.service] ?? `${op.service}.amazonaws.com`,
    eventName: op.name,
    awsRegion: op.service === 'iam' ? 'us-east-1' : op.region,
    sourceIPAddress: context.sourceIp,
    userAgent: context.userAgent,
    ...(failed ? { errorCode: outcome.errorCode ?? `Http${outcome.status}`, errorMessage: outcome.errorMessage } : {}),
    requestParameters: op.service === 'ec2' ? ec2RequestParameters(op.params) : visibleParams(op.params),
    responseElements,
    requestID: outcome.requestId ?? randomUUID(),
    eventID: randomUUID(),
    readOnly,
    resources: resourcesOf(op, context.accountId, response),
    eventType: 'AwsApiCall',
    managementEvent: !data,
    recipientAccountId: context.accountId,
    eventCategory: data ? 'Data' : 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: context.host },
  };
}
