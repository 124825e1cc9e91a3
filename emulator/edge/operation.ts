/**
 * Which AWS API operation an HTTP request is, from what the SDKs send: the
 * SigV4 credential scope (service, region, access key), the JSON target header,
 * the query `Action`, or the S3 REST method, path and sub-resource.
 */
export interface RequestView {
  readonly method: string;
  /** Path and query, as received. */
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

export interface Operation {
  /** SigV4 service name, e.g. `kms`, `s3`, `sts`. */
  readonly service: string;
  readonly region: string;
  readonly accessKeyId?: string;
  /** API operation, e.g. `Encrypt`, `PutObject`; `Unknown` when it cannot be told. */
  readonly name: string;
  /** Request parameters as the SDK sent them (JSON body, query/form fields, or S3 path parts). */
  readonly params: Record<string, unknown>;
}

const CREDENTIAL = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

function header(view: RequestView, name: string): string | undefined {
  const value = view.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

const S3_BUCKET_SUBRESOURCES: Record<string, string> = {
  tagging: 'BucketTagging',
  policy: 'BucketPolicy',
  acl: 'BucketAcl',
  versioning: 'BucketVersioning',
  lifecycle: 'BucketLifecycleConfiguration',
  logging: 'BucketLogging',
  notification: 'BucketNotificationConfiguration',
  encryption: 'BucketEncryption',
  ownershipControls: 'BucketOwnershipControls',
  publicAccessBlock: 'PublicAccessBlock',
  cors: 'BucketCors',
  website: 'BucketWebsite',
  location: 'BucketLocation',
  replication: 'BucketReplication',
  accelerate: 'BucketAccelerateConfiguration',
  requestPayment: 'BucketRequestPayment',
  'object-lock': 'ObjectLockConfiguration',
};

/** S3 REST: path-style `/bucket/key?subresource`. */
function s3Operation(view: RequestView): { name: string; params: Record<string, unknown> } {
  const url = new URL(view.url, 'http://edge');
  const [bucket, ...rest] = url.pathname.replace(/^\//, '').split('/');
  // "/bucket/" (trailing slash, as SDKs send bucket calls) has no key.
  const key = rest.length && rest.join('/') !== '' ? decodeURIComponent(rest.join('/')) : undefined;
  const query = [...url.searchParams.keys()];
  const params: Record<string, unknown> = { bucketName: bucket ? decodeURIComponent(bucket) : undefined, key, Host: header(view, 'host') };
  const method = view.method.toUpperCase();
  if (!bucket) return { name: method === 'GET' ? 'ListBuckets' : 'Unknown', params: {} };
  if (key === undefined) {
    const sub = query.find((q) => q in S3_BUCKET_SUBRESOURCES);
    if (sub) {
      const verb = method === 'PUT' ? 'Put' : method === 'DELETE' ? 'Delete' : 'Get';
      const name = sub === 'notification' && verb !== 'Put' ? 'GetBucketNotificationConfiguration' : `${verb}${S3_BUCKET_SUBRESOURCES[sub]}`;
      return { name, params };
    }
    if (query.includes('uploads')) return { name: 'ListMultipartUploads', params };
    if (query.includes('versions')) return { name: 'ListObjectVersions', params };
    if (method === 'POST' && query.includes('delete')) return { name: 'DeleteObjects', params };
    switch (method) {
      case 'PUT':
        return { name: 'CreateBucket', params };
      case 'DELETE':
        return { name: 'DeleteBucket', params };
      case 'HEAD':
        return { name: 'HeadBucket', params };
      case 'GET':
        return { name: url.searchParams.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects', params: { ...params, prefix: url.searchParams.get('prefix') ?? undefined } };
      default:
        return { name: 'Unknown', params };
    }
  }
  if (query.includes('tagging')) return { name: `${method === 'PUT' ? 'Put' : method === 'DELETE' ? 'Delete' : 'Get'}ObjectTagging`, params };
  if (query.includes('uploadId')) return { name: method === 'PUT' ? 'UploadPart' : method === 'POST' ? 'CompleteMultipartUpload' : method === 'DELETE' ? 'AbortMultipartUpload' : 'ListParts', params };
  if (query.includes('uploads') && method === 'POST') return { name: 'CreateMultipartUpload', params };
  switch (method) {
    case 'PUT':
      return { name: header(view, 'x-amz-copy-source') ? 'CopyObject' : 'PutObject', params };
    case 'GET':
      return { name: 'GetObject', params };
    case 'HEAD':
      return { name: 'HeadObject', params };
    case 'DELETE':
      return { name: 'DeleteObject', params };
    default:
      return { name: 'Unknown', params };
  }
}

/** Lambda REST-JSON: `/2015-03-31/functions/<name>[/invocations|/configuration|...]`. */
function lambdaOperation(view: RequestView): { name: string; params: Record<string, unknown> } {
  const url = new URL(view.url, 'http://edge');
  const match = /^\/[\d-]+\/functions\/([^/]+)(?:\/([a-z-]+))?/.exec(url.pathname);
  const method = view.method.toUpperCase();
  if (!match) return { name: /\/functions\/?$/.test(url.pathname) ? (method === 'POST' ? 'CreateFunction' : 'ListFunctions') : 'Unknown', params: {} };
  const functionName = decodeURIComponent(match[1]);
  const sub = match[2];
  const params: Record<string, unknown> = { functionName };
  if (sub === 'invocations') return { name: 'Invoke', params: { ...params, invocationType: header(view, 'x-amz-invocation-type') ?? 'RequestResponse' } };
  if (sub === 'policy') return { name: method === 'POST' ? 'AddPermission' : method === 'DELETE' ? 'RemovePermission' : 'GetPolicy', params };
  if (sub === 'configuration') return { name: method === 'PUT' ? 'UpdateFunctionConfiguration' : 'GetFunctionConfiguration', params };
  if (sub === 'code') return { name: 'UpdateFunctionCode', params };
  if (sub === 'event-invoke-config') return { name: `${method === 'PUT' ? 'Put' : method === 'DELETE' ? 'Delete' : 'Get'}FunctionEventInvokeConfig`, params };
  if (sub === 'concurrency') return { name: method === 'PUT' ? 'PutFunctionConcurrency' : 'DeleteFunctionConcurrency', params };
  return { name: method === 'DELETE' ? 'DeleteFunction' : 'GetFunction', params };
}

function parseBody(view: RequestView): Record<string, unknown> {
  if (view.body.length === 0) return {};
  const type = header(view, 'content-type') ?? '';
  const text = view.body.toString('utf8');
  if (type.includes('json') || header(view, 'x-amz-target')) {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  if (type.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  return {};
}

/** The operation of a request; `name` is `Unknown` (never an exception) when it cannot be told. */
export function operationOf(view: RequestView): Operation {
  const credential = CREDENTIAL.exec(header(view, 'authorization') ?? '');
  const service = credential?.[3] ?? 'unknown';
  const region = credential?.[2] ?? 'us-east-1';
  const accessKeyId = credential?.[1];
  if (service === 's3') return { service, region, accessKeyId, ...s3Operation(view) };
  if (service === 'lambda') return { service, region, accessKeyId, ...lambdaOperation(view) };
  const target = header(view, 'x-amz-target');
  const body = parseBody(view);
  if (target) return { service, region, accessKeyId, name: target.split('.').pop() ?? 'Unknown', params: body };
  const url = new URL(view.url, 'http://edge');
  const action = (body.Action as string | undefined) ?? url.searchParams.get('Action') ?? undefined;
  if (action) {
    const { Action: _action, Version: _version, ...params } = { ...Object.fromEntries(url.searchParams), ...body } as Record<string, unknown>;
    return { service, region, accessKeyId, name: action, params };
  }
  return { service, region, accessKeyId, name: 'Unknown', params: body };
}
