/**
 * Proxy credentials never leave the process in clear: every log line, error message, `validate`
 * line and Temporal payload that names a proxy shows it through these ("http://user:***@host:8000").
 */

/**
 * A proxy URL with its password replaced by *** (the user name is kept: it says which account). A
 * user name with no password is itself the secret at many providers (http://API_KEY@proxy): it is
 * replaced.
 */
export function redactProxyUrl(proxyUrl: string): string {
  try {
    const url = new URL(proxyUrl.trim());
    if (url.password) url.password = '***';
    else if (url.username) url.username = '***';
    // URL adds a trailing slash to an origin; the operator wrote none.
    return url.pathname === '/' && !proxyUrl.trim().endsWith('/') ? url.href.slice(0, -1) : url.href;
  } catch {
    return redactCredentials(proxyUrl);
  }
}

/**
 * Every "scheme://user:password@" in a text (an error message of a library that printed the proxy
 * URL it was given, a value that is not a valid URL) with the password replaced by ***.
 */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/@:]*):[^\s/@]*@/gi, '$1:***@');
}
