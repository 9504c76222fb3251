// What of a configured URL may be printed: a base URL can carry credentials in its user-info or its query
// (`https://user:pass@host/?api_key=…`), and start-up output and logs end up in places secrets must not.

/** `url` with its user-info, query and fragment replaced by `***`; a string that is not a URL is not shown at all. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(not a URL)';
  }
  const userInfo = parsed.username || parsed.password ? '***@' : '';
  const query = parsed.search ? '?***' : '';
  const fragment = parsed.hash ? '#***' : '';
  const path = parsed.pathname === '/' && !url.endsWith('/') ? '' : parsed.pathname;
  return `${parsed.protocol}//${userInfo}${parsed.host}${path}${query}${fragment}`;
}
