/**
 * Notifications: a Slack-compatible webhook (JSON with a `text` field; other receivers read the
 * structured fields beside it). A failed notification is reported, never thrown: it must not fail a batch.
 */
export interface WebhookResult {
  sent: boolean;
  status?: number;
  error?: string;
}

export async function postWebhook(url: string, payload: { text: string } & Record<string, unknown>, timeoutMs = 10_000): Promise<WebhookResult> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.ok ? { sent: true, status: response.status } : { sent: false, status: response.status, error: `HTTP ${response.status}` };
  } catch (error) {
    return { sent: false, error: (error as Error).message };
  }
}
