import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, DeleteAccessKeyCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { OfflinePlan, outputString } from './plan';

/**
 * audit-trail offline (seed 004): the audit user gets an access key and reads
 * the trail's log files, which CloudTrail encrypted with the trail key; each
 * read makes S3 decrypt with that key on the auditor's behalf. The question:
 * who decrypted with the trail key, and for CloudTrail log files?
 */
export const auditTrailPlan: OfflinePlan = {
  scenario: 'audit-trail',

  async simulate({ target, outputs, log }, options) {
    const bucket = outputString(outputs, 'trail_bucket');
    const auditUser = outputString(outputs, 'audit_user');
    const config = { endpoint: target.edgeEndpoint, region: target.region };
    // Terraform's calls are the trail's first records: deliver them so there are log files to read.
    await target.flush();
    const iam = new IAMClient({ ...config, credentials: target.operator });
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: auditUser }))).AccessKey;
    if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error(`IAM returned no access key for ${auditUser}`);
    const auditor = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    try {
      await new CloudTrailClient({ ...config, credentials: auditor }).send(new DescribeTrailsCommand({}));
      const s3 = new S3Client({ ...config, credentials: auditor, forcePathStyle: true });
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'AWSLogs/' }));
      const files = (listed.Contents ?? []).map((o) => o.Key as string).filter((k) => k.includes('/CloudTrail/')).slice(0, Math.max(1, Math.min(options.count, 10)));
      if (files.length === 0) throw new Error(`no log files in s3://${bucket}/AWSLogs/ to read: the trail delivered nothing`);
      log(`${auditUser} reads ${files.length} log file(s) of s3://${bucket}`);
      for (const file of files) await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: file }))).Body?.transformToByteArray();
      return { auditUser, filesRead: files };
    } finally {
      await iam.send(new DeleteAccessKeyCommand({ UserName: auditUser, AccessKeyId: auditor.accessKeyId }));
    }
  },

  questions: [
    {
      query: 'trail-key-decrypts',
      title: 'who decrypted with the trail key, and for CloudTrail log files?',
      params: ({ outputs }) => ({ key_arn: outputString(outputs, 'trail_key_arn') }),
    },
  ],

  verdict(answers, { outputs, target }, facts) {
    const trailArn = `arn:aws:cloudtrail:${target.region}:${target.accountId}:trail/${outputString(outputs, 'trail_name')}`;
    const rows = answers.get('trail-key-decrypts')?.rows ?? [];
    const byAuditor = rows.filter((r) => r.decrypted_by === facts.auditUser && !r.errorcode && r.trail_context === trailArn);
    const expected = `${(facts.filesRead as string[]).length} Decrypt(s) by ${facts.auditUser} for ${trailArn}`;
    const found = `${byAuditor.length} Decrypt(s) by ${facts.auditUser} for ${trailArn}${rows.length > byAuditor.length ? `, ${rows.length - byAuditor.length} other(s)` : ''}`;
    return byAuditor.length === (facts.filesRead as string[]).length
      ? { ok: true, expected, found, message: `${facts.auditUser} decrypted each log file it read with the trail key: ${found}` }
      : { ok: false, expected, found, message: `expected ${expected}; the logs show ${found}` };
  },
};
