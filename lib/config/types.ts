/**
 * The validated configuration's types (config/config.yaml after schema checks, defaults and
 * environment overrides: camelCase keys, durations in milliseconds, absolute paths). Each is read
 * off the schema that checks and transforms the file (schema.ts, email-settings.ts), so the config
 * is described once.
 */
import type { z } from 'zod';
import type { appConfigSchema, selectorsSchema } from './schema';

export type AppConfig = z.output<ReturnType<typeof appConfigSchema>>;
/** One site, with `defaults` merged under it. */
export type SiteConfig = AppConfig['sites'][number];
export type FetchConfig = SiteConfig['fetch'];
export type SecurityConfig = AppConfig['security'];
/** The real-browser fetcher's settings (YAML: security.browser), with its defaults filled in. */
export type BrowserConfig = SecurityConfig['browser'];
/** CSS selectors of the generic adapter: a portal with plain HTML cards, added by config alone. */
export type GenericSelectors = z.output<typeof selectorsSchema>;
export type FieldSelector = GenericSelectors['url'];
export type { GenericField } from './schema';
export type { EmailConfig, SmtpSecurity } from './email-settings';
