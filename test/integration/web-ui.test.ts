/**
 * The Temporal Web UI as an operator uses it, with headless Chromium (Debian's, through
 * playwright-core): after two batches, the workflow list filtered by one batch's BatchId (the
 * UI's query, in the URL) shows that batch and its site child and not the other batch; the
 * batch's page shows its static summary, its input and its live progress details. Screenshots go
 * to test/integration/screenshots/. Skipped, saying why, when Chromium is not installed
 * (scripts/install-system-deps.sh installs it).
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { batchUiUrl, workflowUiUrl } from '../../client/environment';
import type { AppConfig } from '../../lib/config/types';
import { BatchIdKey, BatchStatusKey, SiteKey } from '../../lib/contract/search-attributes';
import { startBatchHarness, type BatchHarness } from '../support/batch-harness';
import { TEST_UI_PORT } from '../support/temporal-server';
import { chromiumMissing, launchTestBrowser, type TestBrowser } from '../support/test-browser';

const SCREENSHOTS = join(__dirname, 'screenshots');

describe('Temporal Web UI (headless Chromium)', function () {
  this.timeout(240_000);
  let harness: BatchHarness;
  let browser: TestBrowser;
  let uiConfig: AppConfig;
  const stamp = Date.now();
  const batchId = `${stamp}-ui`;
  const workflowId = `batch-${batchId}`;
  const otherWorkflowId = `batch-${stamp}-other`;

  const bodyText = (page: Page) => page.locator('body').innerText();
  /** The page's text with its frames': the UI renders summaries and details (Markdown) in sandboxed iframes. */
  const allText = async (page: Page) =>
    (
      await Promise.all(
        page.frames().map((frame) =>
          frame
            .locator('body')
            .innerText()
            .catch(() => ''),
        ),
      )
    ).join('\n');

  before(async function () {
    if (chromiumMissing()) this.skip();
    harness = await startBatchHarness({ taskQueue: `test-web-ui-${stamp}`, sites: ['mitula'], pagesPerSearch: 1 });
    uiConfig = { ...harness.config, temporal: { ...harness.config.temporal, uiPort: TEST_UI_PORT } };
    for (const id of [workflowId, otherWorkflowId]) {
      const result = await harness.runBatch(id, { maxPages: 1 });
      assert.equal(result.status, 'completed', JSON.stringify(result.sites));
    }
    // Visibility is eventually consistent: wait until the server's own query finds the batch and its child.
    const query = `BatchId="${batchId}"`;
    const deadline = Date.now() + 60_000;
    while ((await harness.client.workflow.count(query)).count < 2) {
      assert.ok(Date.now() < deadline, `the server never listed 2 workflows for ${query}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    browser = await launchTestBrowser('web-ui', { viewport: { width: 1600, height: 900 } });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('filters the workflow list to one batch and its children by BatchId', async () => {
    const url = batchUiUrl(uiConfig, batchId);
    assert.equal(url, `http://127.0.0.1:${TEST_UI_PORT}/namespaces/default/workflows?query=BatchId%3D%22${batchId}%22`);
    const page = await browser.context.newPage();
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    // The list loads after the page: the child's row comes with the batch's.
    await page.getByText(`${workflowId}/mitula`).waitFor({ timeout: 60_000 });
    const text = await bodyText(page);
    assert.ok(text.includes(workflowId), 'the batch workflow is listed');
    assert.ok(text.includes('batchWorkflow') && text.includes('siteWorkflow'), "with its type and its child's");
    assert.ok(!text.includes(otherWorkflowId), 'the other batch is filtered out');
    const screenshot = join(SCREENSHOTS, 'web-ui-batch.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.ok(statSync(screenshot).size > 10_000, 'a screenshot with content');
  });

  it("shows the batch's summary, input and current progress details on its page", async () => {
    // The attributes the filter relies on, as the server indexed them.
    const batch = await harness.client.workflow.getHandle(workflowId).describe();
    assert.equal(batch.typedSearchAttributes.get(BatchIdKey), batchId);
    assert.equal(batch.typedSearchAttributes.get(BatchStatusKey), 'completed');
    const child = await harness.client.workflow.getHandle(`${workflowId}/mitula`).describe();
    assert.equal(child.typedSearchAttributes.get(SiteKey), 'mitula');
    assert.equal(child.typedSearchAttributes.get(BatchIdKey), batchId);

    const page = await browser.context.newPage();
    await page.goto(workflowUiUrl(uiConfig, workflowId), { waitUntil: 'domcontentloaded' });
    await page.getByText('User Metadata').click();
    // Current details come from the workflow through a worker (a query), after the static summary.
    const expected = `Batch ${batchId} — completed`;
    const deadline = Date.now() + 60_000;
    let text = await allText(page);
    while (!text.includes(expected)) {
      assert.ok(Date.now() < deadline, `no "${expected}" on the page:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      text = await allText(page);
    }
    assert.ok(text.includes(`batch ${batchId} · 1 site`), 'the static summary');
    assert.ok(text.includes('{"maxPages":1}'), 'the static details: the input');
    assert.match(text, /mitula\s+completed\s+3\s+\d+\s+0/, 'the per-site progress table');
    await page.screenshot({ path: join(SCREENSHOTS, 'web-ui-batch-details.png'), fullPage: true });
  });
});
