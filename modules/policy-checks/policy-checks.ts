import { Annotations, IAspect, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { acknowledgementFor } from './acknowledgements';
import { PolicyRule, Severity } from './policy-rule';
import { ALL_RULES } from './rules';
import { StackIndex } from './stack-index';

/** A rule's verdict on one resource that was not compliant. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly reference: string;
  readonly address: string;
  readonly path: string;
  readonly reason: string;
  /** Set when the finding was accepted with `acknowledgeFinding`. */
  readonly acknowledged?: string;
}

export interface PolicyChecksProps {
  /** @default - every rule in `rules/` */
  readonly rules?: readonly PolicyRule[];
}

/**
 * Runs the policy rules over a whole stack at synth time. Error findings that
 * are not acknowledged fail synth with one message listing each; warnings and
 * acknowledged findings become cdktf annotations and stay in `findings`.
 */
export class PolicyChecks implements IAspect {
  public readonly findings: Finding[] = [];
  private readonly rules: readonly PolicyRule[];

  constructor(props: PolicyChecksProps = {}) {
    this.rules = props.rules ?? ALL_RULES;
  }

  public visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    const index = new StackIndex(node);
    const found: Finding[] = [];
    for (const rule of this.rules) {
      const [block, type] = rule.resourceType.startsWith('data.') ? [true, rule.resourceType.slice(5)] : [false, rule.resourceType];
      for (const element of index.ofType(type, block)) {
        const verdict = rule.check(element, index);
        if (verdict.status !== 'non-compliant') continue;
        const acknowledgement = acknowledgementFor(element.construct, rule.id);
        found.push({
          ruleId: rule.id,
          severity: rule.severity,
          summary: rule.summary,
          reference: rule.reference,
          address: element.address,
          path: element.construct.node.path,
          reason: verdict.reason,
          acknowledged: acknowledgement?.reason,
        });
      }
    }
    this.findings.splice(0, this.findings.length, ...found);
    for (const finding of found) {
      if (finding.acknowledged) {
        Annotations.of(node).addInfo(formatFinding(finding));
      } else if (finding.severity === 'warning') {
        Annotations.of(node).addWarning(formatFinding(finding));
      }
    }
    const errors = found.filter((f) => f.severity === 'error' && !f.acknowledged);
    if (errors.length > 0) {
      throw new Error(
        `policy checks failed for stack "${node.node.id}":\n${errors.map((f) => `  ${formatFinding(f)}`).join('\n')}\n` +
          `Fix the resource, or accept the finding with acknowledgeFinding(construct, ruleId, reason).`,
      );
    }
  }
}

export function formatFinding(f: Finding): string {
  const head = `[${f.ruleId}] ${f.address}: ${f.summary}: ${f.reason} (${f.reference})`;
  return f.acknowledged ? `${head}; acknowledged: ${f.acknowledged}` : head;
}
