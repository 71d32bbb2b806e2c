import type { ResolvedPasetoConfig, SocketTokenLocation } from '../config/options';
import { SOCKET_LOCATIONS } from '../config/schema';
import { readPrefixedToken, type TransportErrorFactory } from './prefixed';

/**
 * The parts of a Socket.IO handshake the token lookup reads. Structural on purpose: this module
 * must not depend on socket.io (DESIGN §5), and socket.io's `Handshake` satisfies it.
 */
export interface SocketHandshakeLike {
  /** The client's `auth` payload (`io(url, { auth: { token } })`). */
  readonly auth?: Readonly<Record<string, unknown>> | null;
  /** The HTTP headers of the handshake request; node gives their names in lower case. */
  readonly headers?: Readonly<Record<string, string | string[] | undefined>> | null;
  /**
   * The header lines of the handshake request as sent (`[name, value, name, value, …]`, node's
   * `socket.request.rawHeaders`). When present, a token header sent more than once is refused
   * (`bad_header`), as over HTTP: node's `headers` keeps the first and drops the others.
   */
  readonly rawHeaders?: readonly string[] | null;
  /**
   * The query string of the handshake request, parsed. socket.io keeps one value per key (the
   * last), so duplicates are found in {@link url}.
   */
  readonly query?: Readonly<Record<string, unknown>> | null;
  /**
   * The target of the handshake request (`/socket.io/?EIO=4&transport=…&token=…`), as socket.io
   * gives it. When present, a query key given more than once is refused (`bad_header`), as over
   * HTTP; when `query` is absent, the value is read from here.
   */
  readonly url?: string | null;
}

/** Per-middleware overrides of where and how a socket token is looked up. */
export interface SocketTokenLookupOptions {
  /**
   * Locations searched, in this order; defaults to the configured `websocketTokenLocation`
   * (`['auth', 'headers', 'query']`). Anything but `auth`, `headers` and `query` (e.g. `json`:
   * there is no body before a socket is accepted) is refused with `invalid_argument`.
   */
  readonly location?: string | readonly string[];
  /**
   * Name of the token in every location of this middleware, as fastapi-paseto's `token_key`: the
   * key in `handshake.auth`, the header name, the query parameter. Default: `token` / `headerName` /
   * `websocketQueryKey`.
   */
  readonly tokenKey?: string;
  /** Key of the token in the query string only (this middleware's `websocketQueryKey`); wins over `tokenKey` there. */
  readonly queryKey?: string;
  /**
   * Prefix expected before the token in every location of this middleware (`null`: a bare token).
   * Default: `auth` accepts a bare token or `Bearer <token>`, `headers` uses `headerType`, `query`
   * uses `websocketQueryType`.
   */
  readonly tokenPrefix?: string | null;
}

/** The configuration fields the lookup reads. */
export type SocketTransportConfig = Pick<
  ResolvedPasetoConfig,
  'websocketTokenLocation' | 'headerName' | 'headerType' | 'websocketQueryKey' | 'websocketQueryType'
>;


function isSocketLocation(value: string): value is SocketTokenLocation {
  return (SOCKET_LOCATIONS as readonly string[]).includes(value);
}

/**
 * Finds the token of a Socket.IO handshake: the first location (in order) that holds a value
 * decides. Returns `undefined` when no location holds one; throws `bad_header` when the first value
 * found is malformed (it is never skipped in favour of a later location, as over HTTP) and
 * `invalid_argument` for a location sockets cannot have.
 */
export function readSocketToken(
  handshake: SocketHandshakeLike,
  config: SocketTransportConfig,
  lookup: SocketTokenLookupOptions,
  error: TransportErrorFactory,
): string | undefined {
  const locations = typeof lookup.location === 'string' ? [lookup.location] : (lookup.location ?? config.websocketTokenLocation);
  if (locations.length === 0) {
    throw error('invalid_argument', `Socket token location must name at least one of ${SOCKET_LOCATIONS.map((l) => `'${l}'`).join(', ')}`);
  }
  // Validate the whole list first, so a misconfiguration shows on every connection, not only on
  // the ones that happen to fall through to the bad entry.
  for (const location of locations) {
    if (!isSocketLocation(location)) {
      throw error(
        'invalid_argument',
        `Socket token location '${String(location)}' is not supported: use ${SOCKET_LOCATIONS.map((l) => `'${l}'`).join(', ')}` +
          (location === 'json' ? ' (a socket has no body before it is accepted)' : ''),
      );
    }
  }
  for (const location of locations as readonly SocketTokenLocation[]) {
    const token = readLocation(location, handshake, config, lookup, error);
    if (token !== undefined) return token;
  }
  return undefined;
}

function readLocation(
  location: SocketTokenLocation,
  handshake: SocketHandshakeLike,
  config: SocketTransportConfig,
  lookup: SocketTokenLookupOptions,
  error: TransportErrorFactory,
): string | undefined {
  switch (location) {
    case 'auth': {
      const key = lookup.tokenKey ?? 'token';
      const value = handshake.auth?.[key];
      if (lookup.tokenPrefix !== undefined) return readPrefixedToken(value, lookup.tokenPrefix, 'auth', key, error);
      // Default: the documented form is a bare token, but clients that reuse their HTTP
      // `Bearer …` string are accepted too.
      const prefix = typeof value === 'string' && /^\s*bearer\s/i.test(value) ? 'Bearer' : null;
      return readPrefixedToken(value, prefix, 'auth', key, error);
    }
    case 'headers': {
      const name = lookup.tokenKey ?? config.headerName;
      const lower = name.toLowerCase();
      // node keeps the first of two Authorization headers, a proxy in front may act on the last:
      // several lines are ambiguous, handed on as a list that the parser refuses as malformed.
      const value = headerLines(handshake.rawHeaders, lower) > 1 ? [] : handshake.headers?.[lower];
      const prefix = lookup.tokenPrefix !== undefined ? lookup.tokenPrefix : config.headerType;
      return readPrefixedToken(value, prefix, 'header', name, error);
    }
    case 'query': {
      const key = lookup.queryKey ?? lookup.tokenKey ?? config.websocketQueryKey;
      const prefix = lookup.tokenPrefix !== undefined ? lookup.tokenPrefix : config.websocketQueryType;
      return readPrefixedToken(queryValue(handshake, key), prefix, 'query', key, error);
    }
  }
}

/** How many lines of the raw headers carry this (lower-case) header name; 0 without raw headers. */
function headerLines(raw: readonly string[] | null | undefined, name: string): number {
  if (!Array.isArray(raw)) return 0;
  let count = 0;
  for (let index = 0; index < raw.length; index += 2) {
    const line = raw[index];
    if (typeof line === 'string' && line.length === name.length && line.toLowerCase() === name) count += 1;
  }
  return count;
}

/**
 * The value of a query key. `?token=a&token=b` is ambiguous (a proxy or log scrubber may look at
 * another value than the server), so several values in the request target are handed on as a list,
 * which the parser refuses as malformed, as over HTTP. socket.io's parsed `query` cannot show
 * this: it keeps the last value only.
 */
function queryValue(handshake: SocketHandshakeLike, key: string): unknown {
  const url = typeof handshake.url === 'string' ? handshake.url : undefined;
  const at = url?.indexOf('?') ?? -1;
  const values = url === undefined || at < 0 ? [] : new URLSearchParams(url.slice(at + 1)).getAll(key);
  if (values.length > 1) return values;
  const query = handshake.query;
  if (typeof query === 'object' && query !== null) {
    return Object.prototype.hasOwnProperty.call(query, key) ? query[key] : undefined;
  }
  return values[0];
}
