import { COMPLIANT, PolicyRule, nonCompliant } from '../policy-rule';
import { IndexedElement } from '../stack-index';

const OPEN = new Set(['0.0.0.0/0', '::/0']);

function openRanges(values: unknown): string[] {
  return (Array.isArray(values) ? values : [values]).filter((v): v is string => typeof v === 'string' && OPEN.has(v));
}

function ingressOpenTo(element: IndexedElement): string[] {
  const a = element.attributes;
  switch (element.type) {
    case 'aws_security_group':
      return (Array.isArray(a.ingress) ? a.ingress : []).flatMap((rule: Record<string, unknown>) => [
        ...openRanges(rule.cidr_blocks),
        ...openRanges(rule.ipv6_cidr_blocks),
      ]);
    case 'aws_security_group_rule':
      return a.type === 'ingress' ? [...openRanges(a.cidr_blocks), ...openRanges(a.ipv6_cidr_blocks)] : [];
    case 'aws_vpc_security_group_ingress_rule':
      return [...openRanges(a.cidr_ipv4), ...openRanges(a.cidr_ipv6)];
    default:
      return [];
  }
}

function rule(resourceType: string): PolicyRule {
  return {
    id: 'CTL.EC2.1',
    summary: 'Security groups allow no ingress from the whole internet',
    reference: 'CIS AWS Foundations Benchmark v3.0.0, 5.2 and 5.3 (extended from admin ports to every port)',
    severity: 'error',
    resourceType,
    check(element) {
      const open = ingressOpenTo(element);
      return open.length === 0 ? COMPLIANT : nonCompliant(`ingress is open to ${[...new Set(open)].join(' and ')}`);
    },
  };
}

export const SecurityGroupNoOpenIngress: PolicyRule[] = [
  rule('aws_security_group'),
  rule('aws_security_group_rule'),
  rule('aws_vpc_security_group_ingress_rule'),
];
