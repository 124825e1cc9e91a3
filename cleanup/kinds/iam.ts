import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DeleteInstanceProfileCommand,
  DeleteLoginProfileCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteSSHPublicKeyCommand,
  DeleteSigningCertificateCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetGroupCommand,
  GetInstanceProfileCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListInstanceProfilesForRoleCommand,
  ListMFADevicesCommand,
  ListPolicyTagsCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListSSHPublicKeysCommand,
  ListSigningCertificatesCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  RemoveRoleFromInstanceProfileCommand,
  RemoveUserFromGroupCommand,
  Tag,
  paginateListGroups,
  paginateListInstanceProfiles,
  paginateListPolicies,
  paginateListRoles,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { Tags, nameVerdict, tagRecord } from '../match';
import { Candidate, CleanupContext, FindFailure, Found, Kept, Kind, ResourceType, describeError, isGone, removeEach, sortCandidates } from '../resources';
import { namePrefix } from '../scope';

/*
 * IAM is global: its entities are found by name, `<prefix>-<scenario>-*`
 * (deployment/naming.ts), with the tags of roles, users and policies read to
 * keep one whose tags name another deployment or scenario. Each entity is
 * detached from everything first (policies, groups, instance profiles, keys),
 * then deleted.
 */

/** Sorts name-matched entities, reading tags only for those (a call each). */
async function sortNamed(
  ctx: CleanupContext,
  type: ResourceType,
  named: { id: string; ref?: string }[],
  readTags?: (item: { id: string; ref?: string }) => Promise<Tag[] | undefined>,
): Promise<{ found: Found[]; kept: Kept[]; failures: FindFailure[] }> {
  const prefix = namePrefix(ctx.scope);
  const candidates: Candidate[] = [];
  const failures: FindFailure[] = [];
  for (const item of named.filter((n) => n.id.startsWith(prefix))) {
    let tags: Tags | undefined;
    try {
      tags = readTags ? tagRecord(await readTags(item)) : undefined;
    } catch (error) {
      if (isGone(error)) continue;
      failures.push({ type, id: item.id, reason: `could not read its tags: ${describeError(error)}` });
      continue;
    }
    candidates.push({ type, ...item, verdict: nameVerdict(item.id, tags, ctx.scope) });
  }
  return { ...sortCandidates(candidates), failures };
}

export const instanceProfiles: Kind = {
  type: 'iam-instance-profile',
  async find(ctx) {
    const named: { id: string }[] = [];
    for await (const page of paginateListInstanceProfiles({ client: ctx.clients.iam }, {})) {
      for (const p of page.InstanceProfiles ?? []) if (p.InstanceProfileName) named.push({ id: p.InstanceProfileName });
    }
    // GetInstanceProfile carries the tags (ListInstanceProfileTags is missing from moto).
    return sortNamed(ctx, 'iam-instance-profile', named, async (p) => (await ctx.clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: p.id }))).InstanceProfile?.Tags);
  },
  async remove(ctx, items, report) {
    await removeEach(items, report, async (item) => {
      const profile = (await ctx.clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: item.id }))).InstanceProfile;
      for (const role of profile?.Roles ?? []) {
        await ctx.clients.iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: item.id, RoleName: role.RoleName! }));
      }
      await ctx.clients.iam.send(new DeleteInstanceProfileCommand({ InstanceProfileName: item.id }));
      return detached(profile?.Roles?.map((r) => `role ${r.RoleName}`) ?? []);
    });
  },
};

export const roles: Kind = {
  type: 'iam-role',
  async find(ctx) {
    const named: { id: string }[] = [];
    for await (const page of paginateListRoles({ client: ctx.clients.iam }, {})) {
      for (const role of page.Roles ?? []) if (role.RoleName) named.push({ id: role.RoleName });
    }
    return sortNamed(ctx, 'iam-role', named, async (r) => (await ctx.clients.iam.send(new ListRoleTagsCommand({ RoleName: r.id }))).Tags);
  },
  async remove(ctx, items, report) {
    await removeEach(items, report, async (item) => {
      const iam = ctx.clients.iam;
      const RoleName = item.id;
      const done: string[] = [];
      for (const p of (await iam.send(new ListInstanceProfilesForRoleCommand({ RoleName }))).InstanceProfiles ?? []) {
        await iam.send(new RemoveRoleFromInstanceProfileCommand({ RoleName, InstanceProfileName: p.InstanceProfileName! }));
        done.push(`instance profile ${p.InstanceProfileName}`);
      }
      for (const p of await attachedPolicies(iam, (Marker) => new ListAttachedRolePoliciesCommand({ RoleName, Marker }))) {
        await iam.send(new DetachRolePolicyCommand({ RoleName, PolicyArn: p }));
        done.push(`policy ${p}`);
      }
      for (const name of await inlinePolicies(iam, (Marker) => new ListRolePoliciesCommand({ RoleName, Marker }))) {
        await iam.send(new DeleteRolePolicyCommand({ RoleName, PolicyName: name }));
        done.push(`inline policy ${name}`);
      }
      await iam.send(new DeleteRoleCommand({ RoleName }));
      return detached(done);
    });
  },
};

export const users: Kind = {
  type: 'iam-user',
  async find(ctx) {
    const named: { id: string }[] = [];
    for await (const page of paginateListUsers({ client: ctx.clients.iam }, {})) {
      for (const user of page.Users ?? []) if (user.UserName) named.push({ id: user.UserName });
    }
    return sortNamed(ctx, 'iam-user', named, async (u) => (await ctx.clients.iam.send(new ListUserTagsCommand({ UserName: u.id }))).Tags);
  },
  async remove(ctx, items, report) {
    await removeEach(items, report, async (item) => {
      const iam = ctx.clients.iam;
      const UserName = item.id;
      const done: string[] = [];
      for (const g of (await iam.send(new ListGroupsForUserCommand({ UserName }))).Groups ?? []) {
        await iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName: g.GroupName! }));
        done.push(`group ${g.GroupName}`);
      }
      for (const p of await attachedPolicies(iam, (Marker) => new ListAttachedUserPoliciesCommand({ UserName, Marker }))) {
        await iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: p }));
        done.push(`policy ${p}`);
      }
      for (const name of await inlinePolicies(iam, (Marker) => new ListUserPoliciesCommand({ UserName, Marker }))) {
        await iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: name }));
        done.push(`inline policy ${name}`);
      }
      for (const key of (await iam.send(new ListAccessKeysCommand({ UserName }))).AccessKeyMetadata ?? []) {
        await iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: key.AccessKeyId! }));
        done.push(`access key ${key.AccessKeyId}`);
      }
      try {
        await iam.send(new DeleteLoginProfileCommand({ UserName }));
        done.push('login profile');
      } catch (error) {
        if (!isGone(error)) throw error;
      }
      for (const device of (await iam.send(new ListMFADevicesCommand({ UserName }))).MFADevices ?? []) {
        await iam.send(new DeactivateMFADeviceCommand({ UserName, SerialNumber: device.SerialNumber! }));
        done.push(`MFA device ${device.SerialNumber}`);
      }
      for (const cert of (await iam.send(new ListSigningCertificatesCommand({ UserName }))).Certificates ?? []) {
        await iam.send(new DeleteSigningCertificateCommand({ UserName, CertificateId: cert.CertificateId! }));
        done.push(`signing certificate ${cert.CertificateId}`);
      }
      for (const key of (await iam.send(new ListSSHPublicKeysCommand({ UserName }))).SSHPublicKeys ?? []) {
        await iam.send(new DeleteSSHPublicKeyCommand({ UserName, SSHPublicKeyId: key.SSHPublicKeyId! }));
        done.push(`SSH key ${key.SSHPublicKeyId}`);
      }
      await iam.send(new DeleteUserCommand({ UserName }));
      return detached(done);
    });
  },
};

export const groups: Kind = {
  type: 'iam-group',
  async find(ctx) {
    const named: { id: string }[] = [];
    for await (const page of paginateListGroups({ client: ctx.clients.iam }, {})) {
      for (const group of page.Groups ?? []) if (group.GroupName) named.push({ id: group.GroupName });
    }
    return sortNamed(ctx, 'iam-group', named);
  },
  async remove(ctx, items, report) {
    await removeEach(items, report, async (item) => {
      const iam = ctx.clients.iam;
      const GroupName = item.id;
      const done: string[] = [];
      let marker: string | undefined;
      do {
        const page = await iam.send(new GetGroupCommand({ GroupName, Marker: marker }));
        for (const user of page.Users ?? []) {
          await iam.send(new RemoveUserFromGroupCommand({ GroupName, UserName: user.UserName! }));
          done.push(`member ${user.UserName}`);
        }
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      for (const p of await attachedPolicies(iam, (Marker) => new ListAttachedGroupPoliciesCommand({ GroupName, Marker }))) {
        await iam.send(new DetachGroupPolicyCommand({ GroupName, PolicyArn: p }));
        done.push(`policy ${p}`);
      }
      for (const name of await inlinePolicies(iam, (Marker) => new ListGroupPoliciesCommand({ GroupName, Marker }))) {
        await iam.send(new DeleteGroupPolicyCommand({ GroupName, PolicyName: name }));
        done.push(`inline policy ${name}`);
      }
      await iam.send(new DeleteGroupCommand({ GroupName }));
      return detached(done);
    });
  },
};

/** Customer-managed policies (Scope=Local) named `<prefix>-<scenario>-*`. */
export const policies: Kind = {
  type: 'iam-policy',
  async find(ctx) {
    const named: { id: string; ref: string }[] = [];
    for await (const page of paginateListPolicies({ client: ctx.clients.iam }, { Scope: 'Local' })) {
      for (const p of page.Policies ?? []) if (p.PolicyName && p.Arn) named.push({ id: p.PolicyName, ref: p.Arn });
    }
    return sortNamed(ctx, 'iam-policy', named, async (p) => (await ctx.clients.iam.send(new ListPolicyTagsCommand({ PolicyArn: p.ref }))).Tags);
  },
  async remove(ctx, items, report) {
    await removeEach(items, report, async (item) => {
      const iam = ctx.clients.iam;
      const PolicyArn = item.ref!;
      const done: string[] = [];
      let marker: string | undefined;
      do {
        const page = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn, Marker: marker }));
        for (const r of page.PolicyRoles ?? []) {
          await iam.send(new DetachRolePolicyCommand({ PolicyArn, RoleName: r.RoleName! }));
          done.push(`role ${r.RoleName}`);
        }
        for (const u of page.PolicyUsers ?? []) {
          await iam.send(new DetachUserPolicyCommand({ PolicyArn, UserName: u.UserName! }));
          done.push(`user ${u.UserName}`);
        }
        for (const g of page.PolicyGroups ?? []) {
          await iam.send(new DetachGroupPolicyCommand({ PolicyArn, GroupName: g.GroupName! }));
          done.push(`group ${g.GroupName}`);
        }
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      for (const version of (await iam.send(new ListPolicyVersionsCommand({ PolicyArn }))).Versions ?? []) {
        if (!version.IsDefaultVersion) await iam.send(new DeletePolicyVersionCommand({ PolicyArn, VersionId: version.VersionId! }));
      }
      await iam.send(new DeletePolicyCommand({ PolicyArn }));
      return detached(done);
    });
  },
};

async function attachedPolicies(
  iam: IAMClient,
  command: (marker?: string) => ListAttachedRolePoliciesCommand | ListAttachedUserPoliciesCommand | ListAttachedGroupPoliciesCommand,
): Promise<string[]> {
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(command(marker) as ListAttachedRolePoliciesCommand);
    for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return arns;
}

async function inlinePolicies(
  iam: IAMClient,
  command: (marker?: string) => ListRolePoliciesCommand | ListUserPoliciesCommand | ListGroupPoliciesCommand,
): Promise<string[]> {
  const names: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(command(marker) as ListRolePoliciesCommand);
    names.push(...(page.PolicyNames ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return names;
}

function detached(what: string[]): string | undefined {
  return what.length > 0 ? `detached first: ${what.join(', ')}` : undefined;
}
