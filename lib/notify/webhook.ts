/**
 * Notifications: a Slack-compatible webhook (JSON with a `text` field; other receivers read the
 * structured fields beside it). A failed notification is reported, never thrown: it must not fail a batch.
 *
 * Every notification carries an idempotency key, `<batch id>:<event>` (`20251128-060000:batch_end`),
 * as the `Idempotency-Key` header and the body's `idempotencyKey`: Temporal runs activities at least
 * once, so a retried or replayed finalization may post the same notification again, and the
 * receiver can recognise it and drop the second copy.
 */
export interface WebhookResult {
  sent: boolean;
  status?: number;
  error?: string;
}

export type WebhookPayload = { text: string; event?: string } & Record<string, unknown>;

/**
 * The payload's key: its batch (`batchId`, `batch.id`, or the batch of its alerts) and its `event`;
 * null when the payload names neither (then no key is sent rather than one that could collide).
 */
export function idempotencyKeyOf(payload: WebhookPayload): string | null {
  const batch = payload.batch as { id?: unknown } | undefined;
  const alerts = payload.alerts as Array<{ batchId?: unknown }> | undefined;
  const batchId = payload.batchId ?? batch?.id ?? alerts?.[0]?.batchId;
  if (typeof batchId !== 'string' || typeof payload.event !== 'string') return null;
  return `${batchId}:${payload.event}`;
}

export async function postWebhook(url: string, payload: WebhookPayload, timeoutMs = 10_000): Promise<WebhookResult> {
  const key = idempotencyKeyOf(payload);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(key ? { ...payload, idempotencyKey: key } : payload),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.ok
      ? { sent: true, status: response.status }
      : { sent: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    return { sent: false, error: (error as Error).message };
  }
}
