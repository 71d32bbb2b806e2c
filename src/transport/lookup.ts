import { headerSentTwiceMessage } from '../errors';
import type { MaybePromise } from '../maybe-promise';
import { readPrefixedToken, type TransportErrorFactory } from './prefixed';

/**
 * What every transport's request shows the token lookup: its headers and its query string. The
 * HTTP request and the Socket.IO handshake are each turned into one of these, so a header and a
 * query value are read, and a duplicate refused, in exactly one place for both.
 */
export interface TokenSource {
  /** The headers, names in lower case (node's `headers`: it keeps the first of two `Authorization` lines). */
  readonly headers?: Readonly<Record<string, string | string[] | undefined>> | null;
  /** Every header line as received, names and values alternating (the only place node keeps duplicates). */
  readonly rawHeaders?: readonly string[] | null;
  /** The request target as received (`/path?a=1`); duplicates of a query key are counted here. */
  readonly target?: string | null;
  /** The query string as a parser made it, when one ran; its value wins for a key sent once. */
  readonly query?: unknown;
}

/** A token found by a lookup, and the location it came from. */
export interface FoundToken<L extends string> {
  readonly token: string;
  readonly location: L;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/**
 * The locations of a lookup, validated as a whole so a misconfiguration shows on every request (or,
 * for options checked at creation, at start-up): `undefined` takes the configured list.
 * @param hints - a reason shown for a location another transport has (e.g. `json` on a socket)
 */
export function resolveLocations<L extends string>(
  location: string | readonly string[] | undefined,
  configured: readonly L[],
  allowed: readonly L[],
  transport: 'HTTP' | 'Socket',
  hints: Readonly<Record<string, string>>,
  fail: (message: string) => Error,
): readonly L[] {
  // The configured list was validated with the configuration: only an override needs checking.
  if (location === undefined) return configured;
  const list: unknown = typeof location === 'string' ? [location] : location;
  const names = (): string => allowed.map((entry) => `'${entry}'`).join(', ');
  if (!Array.isArray(list) || list.length === 0) throw fail(`${transport} token location must name at least one of ${names()}`);
  for (const entry of list as readonly unknown[]) {
    if (typeof entry !== 'string' || !(allowed as readonly string[]).includes(entry)) {
      const hint = typeof entry === 'string' && Object.prototype.hasOwnProperty.call(hints, entry) ? ` (${hints[entry]})` : '';
      throw fail(`${transport} token location '${String(entry)}' is not supported: use ${names()}${hint}`);
    }
  }
  return list as readonly L[];
}

/**
 * Searches `locations` in order: the first that holds a value decides (a malformed value throws
 * from `read`; it is never skipped in favour of a later location). Synchronous unless a location
 * answers with a promise (an HTTP JSON body still to be read).
 */
export function findToken<L extends string>(
  locations: readonly L[],
  read: (location: L) => MaybePromise<string | undefined>,
): MaybePromise<FoundToken<L> | undefined> {
  const searchFrom = (start: number): MaybePromise<FoundToken<L> | undefined> => {
    for (let index = start; index < locations.length; index += 1) {
      const location = locations[index];
      const token = read(location);
      if (token instanceof Promise) return token.then((value) => (value === undefined ? searchFrom(index + 1) : { token: value, location }));
      if (token !== undefined) return { token, location };
    }
    return undefined;
  };
  return searchFrom(0);
}

/** How many times a header (lower-case name) was sent. */
export function headerCount(source: TokenSource, name: string): number {
  const raw = source.rawHeaders;
  if (!Array.isArray(raw)) {
    const value = source.headers?.[name];
    return value === undefined ? 0 : Array.isArray(value) ? value.length : 1;
  }
  let count = 0;
  for (let index = 0; index < raw.length; index += 2) {
    const line: unknown = raw[index];
    if (typeof line === 'string' && line.length === name.length && line.toLowerCase() === name) count += 1;
  }
  return count;
}

/**
 * The token of a header (`name` as configured, matched case-insensitively). Two lines of it are
 * refused with `bad_header`: node keeps the first and drops the others, while a proxy in front may
 * act on the last, so the token is ambiguous.
 */
export function readHeaderToken(source: TokenSource, name: string, prefix: string | null, error: TransportErrorFactory): string | undefined {
  const lower = name.toLowerCase();
  if (headerCount(source, lower) > 1) throw error('bad_header', headerSentTwiceMessage(name));
  return readPrefixedToken(source.headers?.[lower], prefix, 'header', name, error);
}

/**
 * The value of a query key. Counted in the raw request target, not in a parsed query: express'
 * parsers stop at 1000 parameters and socket.io keeps the last value only, so a second value would
 * not show there. Several values are ambiguous (a proxy or log scrubber may look at another one):
 * they are handed on as a list, which the token parser refuses as malformed.
 */
export function queryValue(source: TokenSource, key: string): unknown {
  const target = typeof source.target === 'string' ? source.target : '';
  const at = target.indexOf('?');
  const raw = at < 0 ? [] : new URLSearchParams(target.slice(at + 1)).getAll(key);
  if (raw.length > 1) return raw;
  // The parsed value, when there is one, so qs-style shapes (`token[a]=`) stay refused as malformed.
  if (isRecord(source.query) && Object.prototype.hasOwnProperty.call(source.query, key)) return source.query[key];
  return raw.length === 1 ? raw[0] : undefined;
}

/** The token of a query key (bare unless `prefix` is given); several values are `bad_header`. */
export function readQueryToken(source: TokenSource, key: string, prefix: string | null, error: TransportErrorFactory): string | undefined {
  return readPrefixedToken(queryValue(source, key), prefix, 'query', key, error);
}
