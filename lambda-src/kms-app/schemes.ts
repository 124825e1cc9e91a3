import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';

import { KMS_MAX_PLAINTEXT, Scheme } from './scheme-names';

export { KMS_MAX_PLAINTEXT, SCHEMES, Scheme, isScheme, kmsCallsPerObject } from './scheme-names';

/** How a KMS app encrypts an object: see scheme-names.ts for the three schemes. */
export const FORMAT = 'cloudtrail-labs/kms-app/v1';

export interface EncryptedObject {
  readonly format: typeof FORMAT;
  readonly scheme: Scheme;
  readonly keyArn: string;
  /** KMS encryption context used for every call; names the source object. */
  readonly context: Record<string, string>;
  readonly encryptedDataKey?: string;
  readonly iv?: string;
  readonly authTag?: string;
  readonly ciphertext?: string;
  readonly chunks?: string[];
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

async function envelope(kms: KMSClient, keyArn: string, context: Record<string, string>, plaintext: Buffer, selfCheck: boolean): Promise<EncryptedObject> {
  const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: context }));
  if (!dataKey.Plaintext || !dataKey.CiphertextBlob) throw new Error('GenerateDataKey returned no key');
  const key = Buffer.from(dataKey.Plaintext);
  try {
    if (selfCheck) {
      const check = await kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: context, KeyId: keyArn }));
      if (!check.Plaintext || !Buffer.from(check.Plaintext).equals(key)) throw new Error('self-check failed: the data key did not decrypt to itself');
    }
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      format: FORMAT,
      scheme: selfCheck ? 'envelope-self-check' : 'envelope',
      keyArn,
      context,
      encryptedDataKey: b64(dataKey.CiphertextBlob),
      iv: b64(iv),
      authTag: b64(cipher.getAuthTag()),
      ciphertext: b64(ciphertext),
    };
  } finally {
    key.fill(0);
  }
}

async function chunked(kms: KMSClient, keyArn: string, context: Record<string, string>, plaintext: Buffer): Promise<EncryptedObject> {
  const chunks: string[] = [];
  for (let offset = 0; offset < plaintext.length || chunks.length === 0; offset += KMS_MAX_PLAINTEXT) {
    const piece = plaintext.subarray(offset, offset + KMS_MAX_PLAINTEXT);
    const out = await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: piece, EncryptionContext: context }));
    if (!out.CiphertextBlob) throw new Error('Encrypt returned no ciphertext');
    chunks.push(b64(out.CiphertextBlob));
  }
  return { format: FORMAT, scheme: 'chunked-encrypt', keyArn, context, chunks };
}

export function encrypt(scheme: Scheme, kms: KMSClient, keyArn: string, context: Record<string, string>, plaintext: Buffer): Promise<EncryptedObject> {
  switch (scheme) {
    case 'envelope':
      return envelope(kms, keyArn, context, plaintext, false);
    case 'envelope-self-check':
      return envelope(kms, keyArn, context, plaintext, true);
    case 'chunked-encrypt':
      return chunked(kms, keyArn, context, plaintext);
  }
}

/** Reverses `encrypt`; used by tests and by anyone checking an app's output. */
export async function decrypt(kms: KMSClient, object: EncryptedObject): Promise<Buffer> {
  if (object.format !== FORMAT) throw new Error(`not a ${FORMAT} document (format ${String(object.format)})`);
  if (object.scheme === 'chunked-encrypt') {
    const parts: Buffer[] = [];
    for (const chunk of object.chunks ?? []) {
      const out = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(chunk, 'base64'), EncryptionContext: object.context, KeyId: object.keyArn }));
      parts.push(Buffer.from(out.Plaintext ?? new Uint8Array()));
    }
    return Buffer.concat(parts);
  }
  const out = await kms.send(
    new DecryptCommand({ CiphertextBlob: Buffer.from(object.encryptedDataKey ?? '', 'base64'), EncryptionContext: object.context, KeyId: object.keyArn }),
  );
  const key = Buffer.from(out.Plaintext ?? new Uint8Array());
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(object.iv ?? '', 'base64'));
  decipher.setAuthTag(Buffer.from(object.authTag ?? '', 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(object.ciphertext ?? '', 'base64')), decipher.final()]);
}
