/**
 * Headless Chromium (Debian's) for the tests that look at a web page, the Temporal Web UI and the
 * dashboard: found, launched and removed the same way.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { chromiumArgs } from '../../lib/fetch/browser-pool';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Whether Chromium is missing; if so it says how to install it, and the caller skips. */
export function chromiumMissing(): boolean {
  if (existsSync(CHROMIUM)) return false;
  console.log(
    `      (skipped: Chromium not found at ${CHROMIUM}; run scripts/install-system-deps.sh, or set CHROMIUM_PATH)`,
  );
  return true;
}

export interface TestBrowser {
  context: BrowserContext;
  /** Closes Chromium and deletes its profile. */
  close(): Promise<void>;
}

/**
 * A fresh profile (user data dir) per run, the product's switches, and without its sandbox for
 * whoever runs the tests (the product drops it only as root); nothing reaches beyond localhost.
 */
export async function launchTestBrowser(
  name: string,
  options: { viewport: { width: number; height: number }; acceptDownloads?: boolean },
): Promise<TestBrowser> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), `${name}-chromium-`));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: chromiumArgs(['--headless', '--no-sandbox']),
      ...options,
    });
    return {
      context,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
