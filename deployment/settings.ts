import { WHOLE_INTERNET, parseCidr, parseCidrList } from '../modules/network/cidr';

/**
 * Deployment settings: what makes one deployment of the labs distinct from
 * another in the same account, and where its state lives. Read from the
 * environment (CTLAB_*) or from cdktf context, validated before any synth.
 */
export interface DeploymentSettings {
  /** Prefix of every physical name. */
  readonly prefix: string;
  /** AWS region the stacks deploy to. */
  readonly region: string;
  /** S3 state backend; absent means a local state file. */
  readonly stateBackend?: StateBackendSettings;
  /**
   * Folder holding local state files (`terraform.<stack>.tfstate`).
   * Absent: the project root, written relative to `cdktf.out/stacks/<stack>`.
   */
  readonly localStateDir?: string;
  /**
   * Send every AWS API call to this endpoint (the local emulator) instead of AWS.
   * Absent: real AWS.
   */
  readonly endpoint?: string;
  /**
   * kms-mystery: which KMS scheme each app uses, e.g.
   * `lambda-app-1=chunked-encrypt,lambda-app-2=envelope`. Absent: the lab's defaults.
   */
  readonly kmsSchemes?: string;
  /**
   * suspicious-api: CIDR blocks allowed to reach the cat API over HTTP, e.g.
   * `['203.0.113.7/32']`. Absent: against AWS the stack still synthesizes, but
   * its plan fails and says to set CTLAB_ALLOWED_CIDRS; against a local
   * endpoint, loopback only (127.0.0.1/32).
   */
  readonly allowedCidrs?: readonly string[];
  /**
   * suspicious-api: name of the SSM SecureString parameter holding the alert
   * webhook URL. Absent: `/<prefix>/suspicious-api/webhook-url`.
   */
  readonly webhookParameter?: string;
}

export interface StateBackendSettings {
  readonly bucket: string;
  readonly region: string;
}

export const DEFAULT_PREFIX = 'ctlab';
export const DEFAULT_REGION = 'us-east-1';
export const MAX_PREFIX_LENGTH = 16;

/** Environment variables read by `readSettings`, with what each sets. */
export const SETTINGS_ENVIRONMENT = {
  CTLAB_PREFIX: `prefix of every physical name (default ${DEFAULT_PREFIX})`,
  CTLAB_REGION: `AWS region (default AWS_REGION, then ${DEFAULT_REGION})`,
  CTLAB_STATE_BUCKET: 'S3 bucket holding Terraform state (default: local state files)',
  CTLAB_STATE_REGION: 'region of the state bucket (default: CTLAB_REGION)',
  CTLAB_STATE_DIR: 'folder for local state files (default: the project root)',
  CTLAB_ENDPOINT: 'send all AWS calls to this endpoint, e.g. the local emulator',
  CTLAB_KMS_SCHEMES: 'kms-mystery: app=scheme pairs choosing the culprit (default lambda-app-2 chunks)',
  CTLAB_ALLOWED_CIDRS: 'suspicious-api: CIDR blocks that may reach the cat API, e.g. 203.0.113.7/32 (required to deploy to AWS)',
  CTLAB_WEBHOOK_PARAMETER: 'suspicious-api: SSM SecureString parameter holding the alert webhook URL (default /<prefix>/suspicious-api/webhook-url)',
} as const;

type Lookup = (key: string) => unknown;

/**
 * Reads settings from environment variables first, then from cdktf context
 * (`prefix`, `region`, `stateBucket`, `stateRegion`, `stateDir`, `endpoint`,
 * `kmsSchemes`, `allowedCidrs`, `webhookParameter`).
 */
export function readSettings(env: NodeJS.ProcessEnv, context: Lookup = () => undefined): DeploymentSettings {
  const pick = (envName: string, contextKey: string): string | undefined => {
    const fromEnv = env[envName];
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
    const fromContext = context(contextKey);
    return typeof fromContext === 'string' && fromContext !== '' ? fromContext : undefined;
  };
  const prefix = pick('CTLAB_PREFIX', 'prefix') ?? DEFAULT_PREFIX;
  const region = pick('CTLAB_REGION', 'region') ?? env.AWS_REGION ?? DEFAULT_REGION;
  const stateBucket = pick('CTLAB_STATE_BUCKET', 'stateBucket');
  const stateRegion = pick('CTLAB_STATE_REGION', 'stateRegion') ?? region;
  const allowedCidrs = pick('CTLAB_ALLOWED_CIDRS', 'allowedCidrs');
  const settings: DeploymentSettings = {
    prefix,
    region,
    stateBackend: stateBucket ? { bucket: stateBucket, region: stateRegion } : undefined,
    localStateDir: pick('CTLAB_STATE_DIR', 'stateDir'),
    endpoint: pick('CTLAB_ENDPOINT', 'endpoint'),
    kmsSchemes: pick('CTLAB_KMS_SCHEMES', 'kmsSchemes'),
    allowedCidrs: allowedCidrs === undefined ? undefined : parseCidrList(allowedCidrs, 'CTLAB_ALLOWED_CIDRS entry'),
    webhookParameter: pick('CTLAB_WEBHOOK_PARAMETER', 'webhookParameter'),
  };
  validateSettings(settings);
  return settings;
}

export function validateSettings(settings: DeploymentSettings): void {
  validatePrefix(settings.prefix);
  validateRegion(settings.region, 'region');
  if (settings.stateBackend) {
    validateBucketName(settings.stateBackend.bucket, 'state bucket');
    validateRegion(settings.stateBackend.region, 'state bucket region');
  }
  if (settings.endpoint !== undefined && !isEndpointUrl(settings.endpoint)) {
    throw new Error(`endpoint must be an http(s) URL with host and optional port, e.g. http://127.0.0.1:4566, got "${settings.endpoint}"`);
  }
  if (settings.allowedCidrs !== undefined) validateAllowedCidrs(settings.allowedCidrs);
  if (settings.webhookParameter !== undefined && !/^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/.test(settings.webhookParameter)) {
    throw new Error(`CTLAB_WEBHOOK_PARAMETER "${settings.webhookParameter}" is not an SSM parameter name such as /team-7/webhook-url`);
  }
}

/** The cat API's allowed ranges: at least one, each a CIDR block, none the whole internet. */
function validateAllowedCidrs(cidrs: readonly string[]): void {
  if (cidrs.length === 0) {
    throw new Error('CTLAB_ALLOWED_CIDRS is set but lists no CIDR block: give the addresses that may reach the cat API, e.g. your IP as 203.0.113.7/32');
  }
  for (const cidr of cidrs) {
    parseCidr(cidr, 'CTLAB_ALLOWED_CIDRS entry');
    if ((WHOLE_INTERNET as readonly string[]).includes(cidr)) {
      throw new Error(
        `CTLAB_ALLOWED_CIDRS contains ${cidr}, which would open the cat API to the whole internet: ` +
          'give your own address instead, e.g. your IP as 203.0.113.7/32',
      );
    }
  }
}

/**
 * The prefix goes into bucket, IAM, KMS alias and trail names, so it must be
 * valid in all of them: S3's rules are the strictest.
 */
export function validatePrefix(prefix: string): void {
  const valid = `2 to ${MAX_PREFIX_LENGTH} characters: lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit`;
  if (prefix.length < 2 || prefix.length > MAX_PREFIX_LENGTH) {
    throw new Error(`invalid prefix "${prefix}": it is ${prefix.length} characters long; a prefix is ${valid}`);
  }
  if (!/^[a-z][a-z0-9-]*[a-z0-9]$/.test(prefix)) {
    throw new Error(`invalid prefix "${prefix}": a prefix is ${valid} (S3 bucket names allow nothing else)`);
  }
  if (prefix.includes('--')) {
    throw new Error(`invalid prefix "${prefix}": consecutive hyphens are not allowed; a prefix is ${valid}`);
  }
  for (const reserved of ['xn--', 'sthree-', 'amzn-s3-demo-']) {
    if (prefix.startsWith(reserved)) {
      throw new Error(`invalid prefix "${prefix}": S3 reserves names starting with "${reserved}"`);
    }
  }
}

/** An http(s) URL with a host and an optional port, nothing after it. */
export function isEndpointUrl(value: string): boolean {
  return /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(value);
}

export function validateRegion(region: string, what: string): void {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
    throw new Error(`invalid ${what} "${region}": expected an AWS region code such as us-east-1 or eu-west-3`);
  }
}

function validateBucketName(name: string, what: string): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) {
    throw new Error(`invalid ${what} "${name}": S3 bucket names are 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit`);
  }
}
