import { Token } from 'cdktf';
import { newTestStack, ref, resourcesOf, synthObject } from '../lab-stack/testing';
import { INSTANCE_ROLE_ACTIONS, SuspiciousApi, SuspiciousApiProps } from './suspicious-api';

type Statement = { sid: string; effect: string; actions: string[]; resources: string[]; condition?: { test: string; variable: string; values: string[] }[] };

function build(props: Partial<SuspiciousApiProps> = {}) {
  const stack = newTestStack('suspicious-api');
  const api = new SuspiciousApi(stack, 'api', { allowedCidrs: ['203.0.113.7/32'], forceDestroy: true, ...props });
  return { stack, api };
}

/** The statements of the instance role's own policy (not the bucket policy). */
function roleStatements(stack: ReturnType<typeof newTestStack>): Statement[] {
  const documents = synthObject(stack).data.aws_iam_policy_document;
  const [key] = Object.keys(documents).filter((k) => k.startsWith('api_role_permissions_'));
  return documents[key].statement as Statement[];
}

describe('SuspiciousApi', () => {
  it('grants the instance role exactly the actions the app calls, and nothing else', () => {
    const { stack } = build();
    const statements = roleStatements(stack);
    const actions = [...new Set(statements.flatMap((s) => s.actions))].sort();
    expect(actions).toEqual([
      'ec2:CreateTags',
      'ec2:DescribeInstances',
      'ec2:RunInstances',
      'ec2:TerminateInstances',
      's3:CreateBucket',
      's3:DeleteBucket',
      's3:DeleteObject',
      's3:GetObject',
      's3:PutBucketTagging',
      's3:PutObject',
    ]);
    expect(actions).toEqual([...INSTANCE_ROLE_ACTIONS].sort());
    expect(statements.every((s) => s.effect === 'Allow' && s.actions.every((a) => !a.includes('*')))).toBe(true);
    // Only DescribeInstances, which has no resource-level permissions, is on "*".
    expect(statements.filter((s) => s.resources.includes('*')).map((s) => s.sid)).toEqual(['FindMiners']);
    expect(statements.find((s) => s.sid === 'FindMiners')!.actions).toEqual(['ec2:DescribeInstances']);
  });

  it('scopes S3 to random-val-* buckets and their readme.txt, and the bundle read to its own objects', () => {
    const statements = roleStatements(build().stack);
    const bySid = Object.fromEntries(statements.map((s) => [s.sid, s]));
    expect(bySid.CreateDecoyBuckets).toMatchObject({ actions: ['s3:CreateBucket'], resources: ['arn:${data.aws_partition.partition.partition}:s3:::random-val-*'] });
    expect(bySid.ManageDecoyBuckets.resources).toEqual(['arn:${data.aws_partition.partition.partition}:s3:::random-val-*']);
    expect(bySid.ManageDecoyObject.resources).toEqual(['arn:${data.aws_partition.partition.partition}:s3:::random-val-*/readme.txt']);
    // Bucket names are global: an existing random-val-* bucket is touched only in this account.
    for (const sid of ['ManageDecoyBuckets', 'ManageDecoyObject']) {
      expect(bySid[sid].condition).toEqual([{ test: 'StringEquals', variable: 's3:ResourceAccount', values: ['${data.aws_caller_identity.caller.account_id}'] }]);
    }
    expect(bySid.ReadAppBundle).toMatchObject({
      actions: ['s3:GetObject'],
      resources: [expect.stringMatching(/^\$\{aws_s3_bucket\.api_code_bucket_[0-9A-F]{8}\.arn\}\/suspicious-api\/[0-9a-f]{16}\/\*$/)],
    });
  });

  it('lets the role launch only tagged, IMDSv2, t3.micro miners from its AMI into its subnet and the miner group, tag only at launch, and terminate only its own', () => {
    const bySid = Object.fromEntries(roleStatements(build().stack).map((s) => [s.sid, s]));
    const tagConditions = [
      { test: 'StringEquals', variable: 'aws:RequestTag/Name', values: ['crypto-miner'] },
      { test: 'StringEquals', variable: 'aws:RequestTag/lab', values: ['cloudtrail'] },
      { test: 'StringEquals', variable: 'aws:RequestTag/launched-by', values: ['ctlab-suspicious-api-cat-api'] },
      { test: 'ForAllValues:StringEquals', variable: 'aws:TagKeys', values: ['Name', 'lab', 'launched-by'] },
    ];
    expect(bySid.LaunchTaggedMiner.resources).toEqual([expect.stringMatching(/:ec2:us-east-1:\$\{data\.aws_caller_identity\.caller\.account_id\}:instance\/\*$/)]);
    expect(bySid.LaunchTaggedMiner.condition).toEqual([
      ...tagConditions,
      { test: 'StringEquals', variable: 'ec2:InstanceType', values: ['t3.micro'] },
      { test: 'StringEquals', variable: 'ec2:MetadataHttpTokens', values: ['required'] },
    ]);
    expect(bySid.LaunchTaggedMinerVolume.condition).toEqual([...tagConditions, { test: 'Bool', variable: 'ec2:Encrypted', values: ['true'] }]);
    expect(bySid.LaunchMinerFrom.resources).toEqual([
      expect.stringMatching(/::image\/\$\{data\.aws_ssm_parameter\.api_ami_[0-9A-F]{8}\.insecure_value\}$/),
      expect.stringMatching(/:subnet\/\$\{element\(sort\(data\.aws_subnets\.api_default-subnets_[0-9A-F]{8}\.ids\), 0\)\}$/),
      expect.stringMatching(/:security-group\/\$\{aws_security_group\.api_miner-security-group_[0-9A-F]{8}\.id\}$/),
      expect.stringMatching(/:network-interface\/\*$/),
    ]);
    expect(bySid.TagMinerAtLaunchOnly.condition).toEqual([{ test: 'StringEquals', variable: 'ec2:CreateAction', values: ['RunInstances'] }]);
    expect(bySid.TerminateOwnMiners.condition).toEqual([
      { test: 'StringEquals', variable: 'aws:ResourceTag/lab', values: ['cloudtrail'] },
      { test: 'StringEquals', variable: 'aws:ResourceTag/launched-by', values: ['ctlab-suspicious-api-cat-api'] },
    ]);
  });

  it('runs Amazon Linux 2023 from the public SSM parameter, IMDSv2 only, with an encrypted root volume and standard CPU credits', () => {
    const { stack } = build();
    expect(resourcesOf(stack, 'aws_ssm_parameter', 'data')[0]).toEqual({ name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' });
    expect(resourcesOf(stack, 'aws_instance')[0]).toMatchObject({
      ami: ref('data.aws_ssm_parameter', 'api_ami', 'insecure_value'),
      instance_type: 't3.micro',
      metadata_options: { http_tokens: 'required', http_endpoint: 'enabled', http_put_response_hop_limit: 1 },
      root_block_device: { encrypted: true, volume_type: 'gp3', volume_size: 8, delete_on_termination: true },
      credit_specification: { cpu_credits: 'standard' },
      iam_instance_profile: ref('aws_iam_instance_profile', 'api_profile', 'name'),
      user_data_replace_on_change: true,
    });
  });

  it('uploads the bundle to S3 and starts it with systemd from the user data, under a dynamic user', () => {
    const { stack, api } = build();
    const keys = resourcesOf(stack, 'aws_s3_object').map((o) => o.key as string).sort();
    expect(keys).toEqual([expect.stringMatching(/^suspicious-api\/[0-9a-f]{16}\/index\.js$/), expect.stringMatching(/^suspicious-api\/[0-9a-f]{16}\/index\.js\.map$/)]);
    const userData = resourcesOf(stack, 'aws_instance')[0].user_data as string;
    expect(userData).toContain('dnf install -y nodejs22');
    expect(userData).toMatch(new RegExp(`aws s3 cp --region us-east-1 s3://\\$\\{aws_s3_bucket\\.api_code_bucket_[0-9A-F]{8}\\.bucket\\}/${keys[0]} /opt/suspicious-api/index.js\n`));
    expect(userData).toContain('ExecStart=/usr/bin/node-22 --enable-source-maps /opt/suspicious-api/index.js');
    expect(userData).toContain('DynamicUser=yes');
    expect(userData).toContain('Environment="MINER_LIFETIME_MINUTES=60"');
    expect(userData).toContain('systemctl enable --now suspicious-api.service');
    expect(userData).not.toMatch(/\$\{(?!data\.|aws_|element)/);
    expect(api.bundleBytes).toBeGreaterThan(1000);
  });

  it('opens HTTP only to the allowed CIDRs, sends only HTTPS out, and gives the miner a group with no rules', () => {
    const { stack } = build({ allowedCidrs: ['203.0.113.7/32', '2001:db8::/64'], port: 8080 });
    expect(resourcesOf(stack, 'aws_vpc_security_group_ingress_rule')).toEqual([
      expect.objectContaining({ cidr_ipv4: '203.0.113.7/32', from_port: 8080, to_port: 8080, ip_protocol: 'tcp' }),
      expect.objectContaining({ cidr_ipv6: '2001:db8::/64', from_port: 8080, to_port: 8080, ip_protocol: 'tcp' }),
    ]);
    expect(resourcesOf(stack, 'aws_vpc_security_group_egress_rule')).toEqual([expect.objectContaining({ cidr_ipv4: '0.0.0.0/0', from_port: 443, to_port: 443 })]);
    expect(resourcesOf(stack, 'aws_security_group').map((g) => [g.name, g.ingress, g.egress]).sort()).toEqual([
      ['ctlab-suspicious-api-cat-api', undefined, undefined],
      ['ctlab-suspicious-api-miner', undefined, undefined],
    ]);
  });

  it('admits no one for an empty allowedCidrs: no ingress rule at all', () => {
    const { stack } = build({ allowedCidrs: [] });
    expect(resourcesOf(stack, 'aws_vpc_security_group_ingress_rule')).toEqual([]);
  });

  it('exposes the URL and the instance id', () => {
    const { api } = build({ port: 8080 });
    expect(Token.isUnresolved(api.instanceId)).toBe(true);
    expect(api.url).toMatch(/^http:\/\/\$\{TfToken\[TOKEN\.\d+\]\}:8080\/$/);
  });

  it('passes the policy checks with no finding', () => {
    const { stack } = build();
    synthObject(stack);
    expect(stack.policyChecks.findings).toEqual([]);
  });

  it.each([['0.0.0.0/0'], ['::/0']])('refuses %s without a reason', (cidr) => {
    expect(() => build({ allowedCidrs: ['203.0.113.7/32', cidr] })).toThrow(
      `SuspiciousApi: allowedCidrs contains ${cidr}, which opens the API to the whole internet. Give the addresses that need it (e.g. your IP as 203.0.113.7/32), or set openToInternetReason to say why that is acceptable`,
    );
  });

  it('accepts the whole internet with a reason, and records the acknowledged finding', () => {
    const { stack } = build({ allowedCidrs: ['0.0.0.0/0'], openToInternetReason: 'classroom demo, no data behind it' });
    synthObject(stack);
    expect(stack.policyChecks.findings).toEqual([
      expect.objectContaining({ ruleId: 'CTL.EC2.1', acknowledged: 'classroom demo, no data behind it', address: expect.stringMatching(/^aws_vpc_security_group_ingress_rule\.api_http-in-0_/) }),
    ]);
  });

  it.each([
    [{ allowedCidrs: ['203.0.113.7/24'] }, /"203.0.113.7\/24" has host bits set: write 203.0.113.0\/24 for the network, or 203.0.113.7\/32 for one address/],
    [{ allowedCidrs: ['my-laptop'] }, /"my-laptop" is not a CIDR block/],
    [{ allowedCidrs: ['0.0.0.0/0'], openToInternetReason: 'ok' }, /openToInternetReason must say, in at least 10 characters/],
    [{ openToInternetReason: 'no open range here at all' }, /openToInternetReason is only for allowedCidrs that include 0.0.0.0\/0 or ::\/0/],
    [{ minerLifetimeMinutes: 0 }, /minerLifetimeMinutes must be a whole number from 1 to 1440, got 0/],
    [{ port: 70000 }, /port must be a whole number from 1 to 65535, got 70000/],
    [{ rootVolumeGiB: 4 }, /rootVolumeGiB must be a whole number from 8 \(the AMI's size\) to 16384, got 4/],
  ])('rejects %p', (props, message) => {
    expect(() => build(props as Partial<SuspiciousApiProps>)).toThrow(message);
  });
});
