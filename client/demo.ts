/**
 * The demo's local mirror (`orchestrator --mirror run`): the one place the product starts the
 * mirror of the six portals, serving exactly the searches of the configured start URLs.
 */
import type { AppConfig } from '../lib/config/types';
import { loadStartUrls } from '../lib/urls/start-urls';
import { startMirror, type MirrorServer } from '../mirror/server';

export function startDemoMirror(config: AppConfig, pagesPerSearch?: number): Promise<MirrorServer> {
  return startMirror({ pagesPerSearch, searches: mirrorSearches(config) });
}

/** Paths (with query) of the start URLs, per site: what the mirror must serve. */
function mirrorSearches(config: AppConfig): Record<string, string[]> {
  const searches: Record<string, string[]> = {};
  for (const [site, starts] of loadStartUrls(
    config,
    config.sites.filter((s) => s.enabled).map((s) => s.key),
  )) {
    searches[site] = starts.map((start) => {
      const url = new URL(start.url);
      return `${url.pathname}${url.search}`;
    });
  }
  return searches;
}
