import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey as KmsKeyResource } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { PolicyDocument } from '../../iam/policy-document';
import { KmsKey } from '../../kms-key/kms-key';
import { LabStack } from '../../lab-stack/lab-stack';
import { newTestStack } from '../../lab-stack/testing';
import { SecureBucket } from '../../secure-bucket/secure-bucket';
import { Trail } from '../../trail/trail';
import { PolicyRule } from '../policy-rule';
import { StackIndex } from '../stack-index';
import { BucketPublicAccessBlocked } from './bucket-public-access-blocked';
import { BucketTlsOnlyPolicy } from './bucket-tls-only-policy';
import { IamNoWildcardAdmin, IamNoWildcardAdminInline } from './iam-no-wildcard-admin';
import { KmsKeyRotationEnabled } from './kms-key-rotation-enabled';
import { SecurityGroupNoOpenIngress } from './security-group-no-open-ingress';
import { TrailBucketAccessLoggingEnabled } from './trail-bucket-access-logging-enabled';
import { TrailLogFileValidationEnabled } from './trail-log-file-validation-enabled';
import { TrailLogsKmsEncrypted } from './trail-logs-kms-encrypted';
import { TrailMultiRegionEnabled } from './trail-multi-region-enabled';
import { ALL_RULES } from '.';

/** The verdicts of one rule on every element of its type in a stack built by `build`. */
function verdicts(rule: PolicyRule, build: (stack: LabStack) => void): string[] {
  const stack = newTestStack();
  build(stack);
  const index = new StackIndex(stack);
  const [dataSource, type] = rule.resourceType.startsWith('data.') ? [true, rule.resourceType.slice(5)] : [false, rule.resourceType];
  return index.ofType(type, dataSource).map((element) => {
    const verdict = rule.check(element, index);
    return verdict.status === 'non-compliant' ? `non-compliant: ${verdict.reason}` : verdict.status;
  });
}

/** A trail built from raw resources, so one setting at a time can be wrong. */
function rawTrail(stack: LabStack, overrides: Partial<ConstructorParameters<typeof Cloudtrail>[2]> = {}) {
  const bucket = new S3Bucket(stack, 'raw-bucket', { bucket: 'raw-bucket' });
  new Cloudtrail(stack, 'raw-trail', {
    name: 'raw',
    s3BucketName: bucket.bucket,
    isMultiRegionTrail: true,
    enableLogFileValidation: true,
    kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abc',
    ...overrides,
  });
}

describe('policy rules', () => {
  it('each has an id, summary, reference and severity', () => {
    for (const rule of ALL_RULES) {
      expect(rule.id).toMatch(/^(CIS|CTL)\./);
      expect(rule.summary.length).toBeGreaterThan(10);
      expect(rule.reference).toMatch(/CIS|AWS/);
      expect(['error', 'warning']).toContain(rule.severity);
    }
  });

  describe('CIS.3.1 TrailMultiRegionEnabled', () => {
    it('passes the Trail construct', () => expect(verdicts(TrailMultiRegionEnabled, (s) => new Trail(s, 't'))).toEqual(['compliant']));
    it('flags a single-region trail', () =>
      expect(verdicts(TrailMultiRegionEnabled, (s) => rawTrail(s, { isMultiRegionTrail: false }))).toEqual([
        expect.stringMatching(/^non-compliant: is_multi_region_trail is not true/),
      ]));
  });

  describe('CIS.3.2 TrailLogFileValidationEnabled', () => {
    it('passes the Trail construct', () => expect(verdicts(TrailLogFileValidationEnabled, (s) => new Trail(s, 't'))).toEqual(['compliant']));
    it('flags a trail without validation', () =>
      expect(verdicts(TrailLogFileValidationEnabled, (s) => rawTrail(s, { enableLogFileValidation: false }))).toEqual([
        expect.stringMatching(/^non-compliant: enable_log_file_validation/),
      ]));
  });

  describe('CIS.3.4 TrailBucketAccessLoggingEnabled', () => {
    it('passes the Trail construct, which logs access to its bucket', () =>
      expect(verdicts(TrailBucketAccessLoggingEnabled, (s) => new Trail(s, 't'))).toEqual(['compliant']));
    it('flags a trail bucket without access logging', () =>
      expect(verdicts(TrailBucketAccessLoggingEnabled, (s) => rawTrail(s))).toEqual([expect.stringMatching(/has no aws_s3_bucket_logging/)]));
    it('flags a bucket outside the stack as unverifiable', () =>
      expect(
        verdicts(TrailBucketAccessLoggingEnabled, (s) => new Cloudtrail(s, 'x', { name: 'x', s3BucketName: 'someone-elses-bucket' })),
      ).toEqual([expect.stringMatching(/cannot be verified/)]));
  });

  describe('CIS.3.5 TrailLogsKmsEncrypted', () => {
    it('passes the Trail construct', () => expect(verdicts(TrailLogsKmsEncrypted, (s) => new Trail(s, 't'))).toEqual(['compliant']));
    it('flags a trail without a key', () =>
      expect(verdicts(TrailLogsKmsEncrypted, (s) => rawTrail(s, { kmsKeyId: undefined }))).toEqual([expect.stringMatching(/kms_key_id is not set/)]));
  });

  describe('CIS.3.6 KmsKeyRotationEnabled', () => {
    it('passes the KmsKey construct', () => expect(verdicts(KmsKeyRotationEnabled, (s) => new KmsKey(s, 'k', { alias: 'k' }))).toEqual(['compliant']));
    it('flags a key without rotation', () =>
      expect(verdicts(KmsKeyRotationEnabled, (s) => new KmsKeyResource(s, 'k', {}))).toEqual(['non-compliant: enable_key_rotation is not true']));
    it('does not apply to asymmetric keys', () =>
      expect(verdicts(KmsKeyRotationEnabled, (s) => new KmsKeyResource(s, 'k', { customerMasterKeySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' }))).toEqual([
        'not-applicable',
      ]));
  });

  describe('CIS.2.1.1 BucketTlsOnlyPolicy', () => {
    it('passes SecureBucket', () => expect(verdicts(BucketTlsOnlyPolicy, (s) => new SecureBucket(s, 'b', { purpose: 'b' }))).toEqual(['compliant']));
    it('flags a bucket without a policy', () =>
      expect(verdicts(BucketTlsOnlyPolicy, (s) => new S3Bucket(s, 'b', { bucket: 'b' }))).toEqual([expect.stringMatching(/no aws_s3_bucket_policy/)]));
    it('flags a policy without the TLS deny', () =>
      expect(
        verdicts(BucketTlsOnlyPolicy, (s) => {
          const bucket = new S3Bucket(s, 'b', { bucket: 'b' });
          const doc = new PolicyDocument(s, 'doc', {
            statements: [{ sid: 'Read', principals: [{ type: 'AWS', identifiers: ['arn:aws:iam::123456789012:root'] }], actions: ['s3:GetObject'], resources: [`${bucket.arn}/*`] }],
          });
          new S3BucketPolicy(s, 'p', { bucket: bucket.id, policy: doc.json });
        }),
      ).toEqual([expect.stringMatching(/no Deny of s3:\* for everyone when aws:SecureTransport is false/)]));
    it('reads a literal JSON policy too', () =>
      expect(
        verdicts(BucketTlsOnlyPolicy, (s) => {
          const bucket = new S3Bucket(s, 'b', { bucket: 'b' });
          const policy = JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
          });
          new S3BucketPolicy(s, 'p', { bucket: bucket.id, policy });
        }),
      ).toEqual(['compliant']));
  });

  describe('CIS.2.1.4 BucketPublicAccessBlocked', () => {
    it('passes SecureBucket', () => expect(verdicts(BucketPublicAccessBlocked, (s) => new SecureBucket(s, 'b', { purpose: 'b' }))).toEqual(['compliant']));
    it('flags a bucket with a partial block', () =>
      expect(
        verdicts(BucketPublicAccessBlocked, (s) => {
          const bucket = new S3Bucket(s, 'b', { bucket: 'b' });
          new S3BucketPublicAccessBlock(s, 'pab', { bucket: bucket.id, blockPublicAcls: true, ignorePublicAcls: true });
        }),
      ).toEqual(['non-compliant: public access is not blocked: block_public_policy, restrict_public_buckets not true']));
  });

  describe('CTL.IAM.1 IamNoWildcardAdmin', () => {
    it('passes scoped statements', () =>
      expect(
        verdicts(IamNoWildcardAdmin, (s) => new PolicyDocument(s, 'd', { statements: [{ sid: 'Read', actions: ['s3:GetObject'], resources: ['*'] }] })),
      ).toEqual(['compliant']));
    it('flags action * on resource *', () =>
      expect(
        verdicts(IamNoWildcardAdmin, (s) => new PolicyDocument(s, 'd', { statements: [{ sid: 'Admin', actions: ['*'], resources: ['*'] }] })),
      ).toEqual(['non-compliant: a statement allows action "*" (or NotAction) on resource "*"']));
    it('flags an Allow of everything but a few actions (NotAction) on resource *', () =>
      expect(
        verdicts(IamNoWildcardAdmin, (s) => new PolicyDocument(s, 'd', { statements: [{ sid: 'AlmostAdmin', notActions: ['iam:*'], resources: ['*'] }] })),
      ).toEqual(['non-compliant: a statement allows action "*" (or NotAction) on resource "*"']));
    it('flags a literal inline policy granting everything', () => {
      const inlineRoleRule = IamNoWildcardAdminInline.find((r) => r.resourceType === 'aws_iam_role_policy')!;
      expect(
        verdicts(inlineRoleRule, (s) =>
          new IamRolePolicy(s, 'p', { role: 'r', policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }),
        ),
      ).toEqual(['non-compliant: a statement allows action "*" (or NotAction) on resource "*"']);
    });
  });

  describe('CTL.EC2.1 SecurityGroupNoOpenIngress', () => {
    const [groupRule, , ingressRule] = SecurityGroupNoOpenIngress;
    it('passes ingress from a given range', () =>
      expect(
        verdicts(groupRule, (s) => new SecurityGroup(s, 'sg', { ingress: [{ fromPort: 80, toPort: 80, protocol: 'tcp', cidrBlocks: ['203.0.113.0/24'] }] })),
      ).toEqual(['compliant']));
    it('flags ingress from the whole internet, IPv4 and IPv6', () =>
      expect(
        verdicts(groupRule, (s) =>
          new SecurityGroup(s, 'sg', { ingress: [{ fromPort: 80, toPort: 80, protocol: 'tcp', cidrBlocks: ['0.0.0.0/0'], ipv6CidrBlocks: ['::/0'] }] }),
        ),
      ).toEqual(['non-compliant: ingress is open to 0.0.0.0/0 and ::/0']));
    it('flags a standalone open ingress rule', () =>
      expect(
        verdicts(ingressRule, (s) => new VpcSecurityGroupIngressRule(s, 'in', { securityGroupId: 'sg-1', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' })),
      ).toEqual(['non-compliant: ingress is open to 0.0.0.0/0']));
  });
});
