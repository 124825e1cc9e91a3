import { backoffDelay, isRetryable, withRetries } from './retry';

describe('retries', () => {
  it.each([
    [{ name: 'SlowDown' }, true],
    [{ name: 'ThrottlingException' }, true],
    [{ code: 'ECONNREFUSED' }, true],
    [{ name: 'Error', $metadata: { httpStatusCode: 503 } }, true],
    [{ name: 'Error', cause: { code: 'ECONNRESET' } }, true],
    [new Error('AWS SDK error wrapper for TimeoutError: socket hang up'), true],
    [new Error('AWS SDK error wrapper for AccessDenied: no'), false],
    [{ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }, false],
    [{ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } }, false],
  ])('%p retryable: %p', (error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });

  it('backs off exponentially with full jitter, capped', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, options, () => 0.999)).toBe(100);
    expect(backoffDelay(3, options, () => 0.999)).toBe(400);
    expect(backoffDelay(10, options, () => 0.999)).toBe(999);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });

  it('does not retry an error that will not change', async () => {
    let calls = 0;
    await expect(
      withRetries(async () => {
        calls++;
        throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
      }, { attempts: 5, baseDelayMs: 1, maxDelayMs: 1 }),
    ).rejects.toThrow('denied');
    expect(calls).toBe(1);
  });
});
