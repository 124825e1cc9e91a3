/**
 * SDK client settings. In AWS nothing is needed; against a local endpoint
 * (AWS_ENDPOINT_URL) S3 uses path-style addressing.
 */
export function clientConfig(): { endpoint?: string; forcePathStyle?: boolean; maxAttempts: number } {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  return endpoint ? { endpoint, forcePathStyle: true, maxAttempts: 3 } : { maxAttempts: 3 };
}
