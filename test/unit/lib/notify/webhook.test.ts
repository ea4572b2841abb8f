/** The webhook against a real local receiver: every notification carries `<batch id>:<event>` as its idempotency key, header and body. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { postWebhook } from '../../../../lib/notify/webhook';

describe('webhook idempotency key', () => {
  let server: http.Server;
  let url: string;
  const received: Array<{ key: string | undefined; body: Record<string, unknown> }> = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', () => {
        received.push({ key: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(text) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('the same notification sent twice carries the same key; another event another key', async () => {
    const summary = {
      text: 'Batch b1 completed',
      event: 'batch_end',
      batch: { id: '20251128-060000', status: 'completed' },
    };
    const alerts = {
      text: '1 alert',
      event: 'alerts',
      alerts: [{ batchId: '20251128-060000', site: 'lamudi', kind: 'listing_drop', message: 'fewer listings' }],
    };
    for (const payload of [summary, summary, alerts])
      assert.deepEqual(await postWebhook(url, payload), { sent: true, status: 200 });
    assert.deepEqual(
      received.map((r) => r.key),
      ['20251128-060000:batch_end', '20251128-060000:batch_end', '20251128-060000:alerts'],
    );
    assert.deepEqual(
      received.map((r) => r.body.idempotencyKey),
      received.map((r) => r.key),
    );
    assert.equal(received[0].body.text, 'Batch b1 completed', 'the rest of the payload as it was');
  });

  it('a payload that names no batch gets no key rather than one that could collide', async () => {
    received.length = 0;
    await postWebhook(url, { text: 'hello' });
    assert.equal(received[0].key, undefined);
    assert.equal('idempotencyKey' in received[0].body, false);
  });
});
