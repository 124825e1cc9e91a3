/** A statement id made of words: `statementId('Decrypt', 'trail-key')` is `DecryptTrailKey`. */
export function statementId(...words: string[]): string {
  return words
    .flatMap((w) => w.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}
