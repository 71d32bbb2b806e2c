import type { ResolvedPasetoConfig, SocketTokenLocation } from '../config/options';
import { SOCKET_LOCATIONS } from '../config/schema';
import { findToken, readHeaderToken, readQueryToken, resolveLocations, type FoundToken, type TokenSource } from './lookup';
import { readPrefixedToken, type TransportErrorFactory } from './prefixed';

/**
 * The parts of a Socket.IO handshake the token lookup reads. Structural on purpose: this module
 * must not depend on socket.io (DESIGN §5), and socket.io's `Handshake` satisfies it.
 */
export interface SocketHandshakeLike {
  /** The client's address (socket.io's `handshake.address`), given to failure listeners. */
  readonly address?: string;
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


const SOCKET_LOCATION_HINTS = { json: 'a socket has no body before it is accepted' };

/**
 * The locations of a socket lookup, validated as a whole (`undefined`: the configured list).
 * @param fail - builds the error: `invalid_argument` on a connection, `PasetoConfigError` at creation
 */
export function resolveSocketLocations(
  location: SocketTokenLookupOptions['location'],
  config: Pick<SocketTransportConfig, 'websocketTokenLocation'>,
  fail: (message: string) => Error,
): readonly SocketTokenLocation[] {
  return resolveLocations(location, config.websocketTokenLocation, SOCKET_LOCATIONS, 'Socket', SOCKET_LOCATION_HINTS, fail);
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
  const locations = resolveSocketLocations(lookup.location, config, (message) => error('invalid_argument', message));
  const source: TokenSource = { headers: handshake.headers, rawHeaders: handshake.rawHeaders, target: handshake.url, query: handshake.query };
  // Every socket location answers synchronously.
  const found = findToken(locations, (location) => readLocation(location, handshake, source, config, lookup, error)) as FoundToken<SocketTokenLocation> | undefined;
  return found?.token;
}

function readLocation(
  location: SocketTokenLocation,
  handshake: SocketHandshakeLike,
  source: TokenSource,
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
    case 'headers':
      return readHeaderToken(source, lookup.tokenKey ?? config.headerName, lookup.tokenPrefix !== undefined ? lookup.tokenPrefix : config.headerType, error);
    case 'query':
      return readQueryToken(
        source,
        lookup.queryKey ?? lookup.tokenKey ?? config.websocketQueryKey,
        lookup.tokenPrefix !== undefined ? lookup.tokenPrefix : config.websocketQueryType,
        error,
      );
  }
}
