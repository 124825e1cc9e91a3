/**
 * Physical names. Every name starts with the deployment prefix and the
 * scenario, so two deployments never collide and leftovers can be found.
 */
export class Naming {
  constructor(
    /** The deployment prefix, already validated. */
    public readonly prefix: string,
    /** The scenario (or stack) the names belong to. */
    public readonly scenario: string,
  ) {}

  /** `<prefix>-<scenario>-<purpose>`, for IAM, trail, log group and alias names. */
  public name(purpose: string): string {
    return `${this.prefix}-${this.scenario}-${purpose}`;
  }

  /**
   * `<prefix>-<scenario>-<purpose>-<accountId>`: bucket names are global, so
   * the account id keeps two accounts using the same prefix apart.
   * The static part is checked against S3's 63-character limit.
   */
  public bucketName(purpose: string, accountId: string): string {
    const staticLength = this.name(purpose).length + 1 + 12;
    if (staticLength > 63) {
      throw new Error(`bucket name "${this.name(purpose)}-<account id>" would be ${staticLength} characters; S3 allows 63: shorten the prefix or the purpose`);
    }
    return `${this.name(purpose)}-${accountId}`;
  }
}
