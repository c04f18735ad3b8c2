/** The longest wait a provider may ask for before we retry; longer and the request fails now. */
export const maxRetryAfterMs = 60_000;

/** How long a response asks the client to wait (`retry-after-ms`, or `retry-after` in seconds or as a date). */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (!Number.isNaN(ms)) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (!Number.isNaN(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : date - now;
}

/**
 * A fetch for the model SDKs. They sleep for whatever Retry-After says, so an hour-long quota reset would stall
 * the job for an hour: beyond `maxWaitMs` the response is marked `x-should-retry: false` (a header both SDKs
 * honour) and the request fails with the provider's own error, which names the status.
 */
export function fetchWithRetryAfterCap(
  maxWaitMs = maxRetryAfterMs,
  inner: typeof fetch = fetch,
): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    const wait = retryAfterMs(response.headers);
    if (response.ok || wait === undefined || wait <= maxWaitMs) return response;
    const headers = new Headers(response.headers);
    headers.set('x-should-retry', 'false');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}
