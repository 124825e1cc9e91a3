import { DEFAULT_MINER_LIFETIME_MINUTES, MAX_MINER_LIFETIME_MINUTES } from './contract';

/** The app's settings, from environment variables (see `readConfig`). */
export interface AppConfig {
  /** PORT: where the HTTP server listens. */
  readonly port: number;
  /** HOST: the address it binds. */
  readonly host: string;
  /** AWS_REGION (or AWS_DEFAULT_REGION): where buckets and the miner are created. */
  readonly region: string;
  /** MINER_AMI_ID: the image the miner is launched from. */
  readonly minerAmiId: string;
  /** MINER_SUBNET_ID: the miner's subnet; absent, EC2 picks a default subnet. */
  readonly minerSubnetId?: string;
  /** MINER_SECURITY_GROUP_ID: the miner's security group; absent, the VPC's default group. */
  readonly minerSecurityGroupId?: string;
  /** MINER_LIFETIME_MINUTES: the miner powers itself off after this long. */
  readonly minerLifetimeMinutes: number;
  /** MINER_LAUNCHED_BY: value of the miner's `launched-by` tag (the API's deployment). */
  readonly launchedBy: string;
  /** TERMINATE_WAIT_SECONDS: how long /enough waits for the miner to be terminated. */
  readonly terminateWaitSeconds: number;
  /** AWS_ENDPOINT_URL: send every AWS call there (a local emulator). */
  readonly endpoint?: string;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_TERMINATE_WAIT_SECONDS = 300;

/** The variables `readConfig` reads, with what each sets (for --help texts and READMEs). */
export const CONFIG_ENVIRONMENT = {
  PORT: `port to listen on (default ${DEFAULT_PORT})`,
  HOST: 'address to bind (default 0.0.0.0)',
  AWS_REGION: 'region of the buckets and the miner (required; AWS_DEFAULT_REGION also works)',
  MINER_AMI_ID: 'image the miner is launched from (required)',
  MINER_SUBNET_ID: "the miner's subnet (default: EC2 chooses a default subnet)",
  MINER_SECURITY_GROUP_ID: "the miner's security group (default: the VPC's default group)",
  MINER_LIFETIME_MINUTES: `minutes before the miner powers itself off (default ${DEFAULT_MINER_LIFETIME_MINUTES}, at most ${MAX_MINER_LIFETIME_MINUTES})`,
  MINER_LAUNCHED_BY: 'value of the launched-by tag on the miner (default "suspicious-api")',
  TERMINATE_WAIT_SECONDS: `seconds /enough waits for the miner to terminate (default ${DEFAULT_TERMINATE_WAIT_SECONDS})`,
  AWS_ENDPOINT_URL: 'send every AWS call to this endpoint, e.g. a local emulator',
} as const;

/** Reads and checks the configuration; one error lists every problem found. */
export function readConfig(env: NodeJS.ProcessEnv): AppConfig {
  const problems: string[] = [];
  const value = (name: string) => (env[name] !== undefined && env[name]!.trim() !== '' ? env[name]!.trim() : undefined);
  const whole = (name: string, fallback: number, min: number, max: number): number => {
    const text = value(name);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
      return fallback;
    }
    return n;
  };

  const region = value('AWS_REGION') ?? value('AWS_DEFAULT_REGION');
  if (region === undefined) problems.push('AWS_REGION is not set: the app needs the region to create the bucket and the instance in');
  else if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) problems.push(`AWS_REGION "${region}" is not a region code such as us-east-1`);
  const minerAmiId = value('MINER_AMI_ID');
  if (minerAmiId === undefined) problems.push('MINER_AMI_ID is not set: the app needs an image to launch the miner from');
  else if (!/^ami-[0-9a-f]{8,17}$/.test(minerAmiId)) problems.push(`MINER_AMI_ID "${minerAmiId}" is not an AMI id such as ami-0123456789abcdef0`);
  const minerSubnetId = value('MINER_SUBNET_ID');
  if (minerSubnetId !== undefined && !/^subnet-[0-9a-f]{8,17}$/.test(minerSubnetId)) problems.push(`MINER_SUBNET_ID "${minerSubnetId}" is not a subnet id`);
  const minerSecurityGroupId = value('MINER_SECURITY_GROUP_ID');
  if (minerSecurityGroupId !== undefined && !/^sg-[0-9a-f]{8,17}$/.test(minerSecurityGroupId)) {
    problems.push(`MINER_SECURITY_GROUP_ID "${minerSecurityGroupId}" is not a security group id`);
  }
  const launchedBy = value('MINER_LAUNCHED_BY') ?? 'suspicious-api';
  if (!/^[A-Za-z0-9 _.:/=+@-]{1,256}$/.test(launchedBy)) problems.push(`MINER_LAUNCHED_BY "${launchedBy}" is not a valid EC2 tag value`);
  const endpoint = value('AWS_ENDPOINT_URL');
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(endpoint)) problems.push(`AWS_ENDPOINT_URL "${endpoint}" is not an http(s) URL such as http://127.0.0.1:4566`);

  const config: AppConfig = {
    port: whole('PORT', DEFAULT_PORT, 0, 65535),
    host: value('HOST') ?? '0.0.0.0',
    region: region ?? '',
    minerAmiId: minerAmiId ?? '',
    minerSubnetId,
    minerSecurityGroupId,
    minerLifetimeMinutes: whole('MINER_LIFETIME_MINUTES', DEFAULT_MINER_LIFETIME_MINUTES, 1, MAX_MINER_LIFETIME_MINUTES),
    launchedBy,
    terminateWaitSeconds: whole('TERMINATE_WAIT_SECONDS', DEFAULT_TERMINATE_WAIT_SECONDS, 1, 3600),
    endpoint,
  };
  if (problems.length > 0) throw new Error(`suspicious-api configuration:\n  ${problems.join('\n  ')}`);
  return config;
}
