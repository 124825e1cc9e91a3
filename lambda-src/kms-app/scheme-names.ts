/**
 * The KMS schemes, without any SDK import: infrastructure code reads these
 * names at synth, and must not load the AWS SDK to do so.
 * - envelope: one GenerateDataKey, then AES-256-GCM locally (the right way);
 * - chunked-encrypt: kms:Encrypt on every 4 KiB chunk (KMS encrypts at most 4096 bytes per call);
 * - envelope-self-check: envelope, plus a Decrypt of the data key to "verify" it.
 */
export const SCHEMES = ['envelope', 'chunked-encrypt', 'envelope-self-check'] as const;
export type Scheme = (typeof SCHEMES)[number];

/** Largest plaintext kms:Encrypt accepts. */
export const KMS_MAX_PLAINTEXT = 4096;

export function isScheme(value: string): value is Scheme {
  return (SCHEMES as readonly string[]).includes(value);
}

/** KMS API calls one object of `bytes` costs under a scheme. */
export function kmsCallsPerObject(scheme: Scheme, bytes: number): number {
  switch (scheme) {
    case 'envelope':
      return 1;
    case 'envelope-self-check':
      return 2;
    case 'chunked-encrypt':
      return Math.max(1, Math.ceil(bytes / KMS_MAX_PLAINTEXT));
  }
}
