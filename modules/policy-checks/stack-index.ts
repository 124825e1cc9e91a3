import { TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';

/** One resource or data source of a stack, with its attributes as Terraform will see them. */
export interface IndexedElement {
  /** Terraform address: `aws_s3_bucket.x` or `data.aws_iam_policy_document.y`. */
  readonly address: string;
  /** Terraform type: `aws_s3_bucket`, `aws_iam_policy_document`. */
  readonly type: string;
  readonly isDataSource: boolean;
  /** Attributes with references resolved to `${...}` expressions (snake_case keys). */
  readonly attributes: Record<string, unknown>;
  /** The construct, for acknowledgements and messages. */
  readonly construct: IConstruct;
}

const REFERENCE = /\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.[a-z0-9_]+/;

/**
 * Every resource and data source of one stack, resolved, so rules can follow
 * references between them (a bucket to its policy, a trail to its bucket).
 */
export class StackIndex {
  public readonly elements: IndexedElement[];
  private readonly byAddress = new Map<string, IndexedElement>();

  constructor(stack: TerraformStack) {
    const rendered = stack.toTerraform() as RenderedStack;
    this.elements = stack.node
      .findAll()
      .filter((c): c is TerraformResource | TerraformDataSource => c instanceof TerraformResource || c instanceof TerraformDataSource)
      .map((element) => indexElement(rendered, element));
    for (const element of this.elements) this.byAddress.set(element.address, element);
  }

  public ofType(type: string, dataSource = false): IndexedElement[] {
    return this.elements.filter((e) => e.type === type && e.isDataSource === dataSource);
  }

  /** The element a `${type.name.attr}` expression points at, if it is one of this stack's. */
  public referenced(value: unknown): IndexedElement | undefined {
    if (typeof value !== 'string') return undefined;
    const match = REFERENCE.exec(value);
    return match ? this.byAddress.get(match[1]) : undefined;
  }

  /** Elements of `type` whose attribute `attribute` refers to `target`. */
  public referencing(type: string, attribute: string, target: IndexedElement): IndexedElement[] {
    return this.ofType(type).filter((e) => this.referenced(e.attributes[attribute])?.address === target.address);
  }
}

type RenderedStack = Record<string, Record<string, Record<string, Record<string, unknown>>>>;

function indexElement(rendered: RenderedStack, element: TerraformResource | TerraformDataSource): IndexedElement {
  const isDataSource = element instanceof TerraformDataSource;
  const block = isDataSource ? 'data' : 'resource';
  const attributes = rendered[block]?.[element.terraformResourceType]?.[element.friendlyUniqueId] ?? {};
  const address = `${isDataSource ? 'data.' : ''}${element.terraformResourceType}.${element.friendlyUniqueId}`;
  return { address, type: element.terraformResourceType, isDataSource, attributes, construct: element };
}

/** True when a value is still an unresolved reference (`${...}`) rather than a literal. */
export function isExpression(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}
