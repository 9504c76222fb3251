// Which `Host` names the command answers for (DNS rebinding): a page on another name that resolves to this
// server's address must get 421, never an answer.

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

function isWildcard(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::' || h === '';
}

/**
 * The `allowedHosts` of the command: the names given (`*` for any), or by default the name it listens on, with
 * all loopback names when that is a loopback address. An entry without a port matches any port. Listening on
 * every interface (`0.0.0.0`, `::`) the name is unknown: undefined (any), and the command says so.
 */
export function allowedHostsFor(listenHost: string, given: string | undefined): string[] | undefined {
  if (given !== undefined) {
    const list = given
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    if (list.length === 0) throw new Error('--allowed-hosts needs at least one host name, or *');
    return list.includes('*') ? undefined : list;
  }
  if (isWildcard(listenHost)) return undefined;
  if (isLoopback(listenHost)) {
    const own = listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost;
    return [...new Set([...LOOPBACK_NAMES, own.toLowerCase()])];
  }
  return [listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost.toLowerCase()}]` : listenHost.toLowerCase()];
}
