import { Annotations, Fn, Op, TerraformLocal, TerraformOutput } from 'cdktf';
import { DeploymentSettings } from '../../deployment/settings';
import { Ec2StateAlerts } from '../../modules/ec2-state-alerts/ec2-state-alerts';
import { KmsKey } from '../../modules/kms-key/kms-key';
import { LabStack } from '../../modules/lab-stack/lab-stack';
import { SuspiciousApi } from '../../modules/suspicious-api/suspicious-api';
import { Trail } from '../../modules/trail/trail';
import { addAthena } from '../athena';
import { Scenario } from '../scenario';

/** Loopback only: offline, the "instance" is a local process and nothing else should reach it. */
export const LOCAL_ALLOWED_CIDRS = ['127.0.0.1/32'];

export const MISSING_CIDRS_MESSAGE =
  'CTLAB_ALLOWED_CIDRS is not set: the cat API opens HTTP only to the addresses you list. ' +
  'Set it to yours (e.g. CTLAB_ALLOWED_CIDRS=203.0.113.7/32; `curl -s https://checkip.amazonaws.com` prints your IP), then synthesize and deploy again.';

/** `/<prefix>/suspicious-api/webhook-url`: where the alert webhook URL is kept unless CTLAB_WEBHOOK_PARAMETER says otherwise. */
export function defaultWebhookParameter(prefix: string): string {
  return `/${prefix}/suspicious-api/webhook-url`;
}

/**
 * Who may reach the API: CTLAB_ALLOWED_CIDRS; offline, loopback; otherwise
 * nobody, and the plan stops with a message saying what to set. (Failing at
 * synth instead would break `synth` and `validate` of every other lab.)
 */
function allowedCidrs(settings: DeploymentSettings): { cidrs: string[]; missing: boolean } {
  if (settings.allowedCidrs) return { cidrs: [...settings.allowedCidrs], missing: false };
  if (settings.endpoint) return { cidrs: [...LOCAL_ALLOWED_CIDRS], missing: false };
  return { cidrs: [], missing: true };
}

/** Seed 002: a cat API that quietly launches a crypto-miner, found in CloudTrail; EC2 state changes alert a webhook. */
export const suspiciousApi: Scenario = {
  name: 'suspicious-api',
  summary: 'A cat API on EC2 that quietly launches a crypto-miner: find what it did in CloudTrail, and alert on EC2 state changes',
  seed: '002_b8bd2c8f54155ada.txt',
  build(scope, settings) {
    const stack = new LabStack(scope, 'suspicious-api', { settings, description: this.summary });
    const trailKey = new KmsKey(stack, 'trail-key', { alias: 'trail', deletionWindowInDays: 7 });
    // Management events, read and write: CreateBucket, PutBucketTagging, RunInstances, TerminateInstances, DeleteBucket.
    const trail = new Trail(stack, 'trail', { encryptionKey: trailKey, forceDestroy: true });
    addAthena(stack, trail, 'suspicious-api');

    const access = allowedCidrs(settings);
    const api = new SuspiciousApi(stack, 'api', { allowedCidrs: access.cidrs, forceDestroy: true });
    // With no CIDR, terraform validate still passes and terraform plan stops here, before anything is created.
    const cidrs = new TerraformLocal(stack, 'allowed_cidrs', access.cidrs);
    api.instance.addOverride('lifecycle.precondition', [{ condition: Op.gte(Fn.lengthOf(cidrs.asList), 1), error_message: MISSING_CIDRS_MESSAGE }]);
    if (access.missing) Annotations.of(stack).addWarning(MISSING_CIDRS_MESSAGE);

    const alertsKey = new KmsKey(stack, 'alerts-key', { alias: 'ec2-alerts', description: 'Encrypts the EC2 state-change alerts topic', deletionWindowInDays: 7 });
    const webhookParameter = settings.webhookParameter ?? defaultWebhookParameter(settings.prefix);
    const alerts = new Ec2StateAlerts(stack, 'alerts', { webhookParameterName: webhookParameter, encryptionKey: alertsKey });

    new TerraformOutput(stack, 'api_url', { value: api.url, description: 'The cat API: try / and /cat (and /enough to clean up)' });
    new TerraformOutput(stack, 'api_instance_id', { value: api.instanceId, description: "The API's instance: its role session in CloudTrail is named after it" });
    new TerraformOutput(stack, 'api_role_name', { value: api.role.roleName });
    new TerraformOutput(stack, 'api_environment', { value: api.appEnvironment, description: "The app's environment on the instance (runs the same app locally)" });
    new TerraformOutput(stack, 'miner_launched_by', { value: api.launchedBy, description: 'The launched-by tag on miners this API launches' });
    new TerraformOutput(stack, 'alerts_topic_arn', { value: alerts.topicArn });
    new TerraformOutput(stack, 'alerts_function', { value: alerts.notifier.functionName });
    new TerraformOutput(stack, 'webhook_parameter', { value: webhookParameter, description: 'Create this SecureString parameter with the webhook URL' });
    new TerraformOutput(stack, 'trail_name', { value: trail.trailName });
    new TerraformOutput(stack, 'trail_bucket', { value: trail.bucket.bucketName });
    return stack;
  },
};
