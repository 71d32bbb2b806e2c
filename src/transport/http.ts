import type { HttpTokenLocation, ResolvedPasetoConfig } from '../config/options';
import { HTTP_LOCATIONS } from '../config/schema';
import type { MaybePromise } from '../maybe-promise';
import { findToken, readHeaderToken, readQueryToken, resolveLocations, type TokenSource } from './lookup';
import type { HttpRequestLike } from './http-request';
import { DEFAULT_BODY_LIMIT, readJsonBody } from './json-body';
import { readPrefixedToken, type TransportErrorFactory } from './prefixed';

export type { HttpRequestLike } from './http-request';
export { DEFAULT_BODY_LIMIT, readJsonBody, RequestBodyError } from './json-body';

/** Per-route overrides of where and how an HTTP token is looked up (fastapi-paseto's `paseto_required` arguments). */
export interface HttpTokenLookupOptions {
  /**
   * Locations searched, in this order: one or a list of `headers`, `json`, `query`, `cookies`.
   * Defaults to the configured `tokenLocation` (`['headers']`). Naming `query` or `cookies` here
   * opts this route in even when the configuration does not.
   */
  readonly location?: HttpTokenLocation | readonly HttpTokenLocation[];
  /**
   * Name of the token in its location: the header name, the JSON key, the query parameter or the
   * cookie name. Defaults: `headerName`, `jsonKey` (`jsonRefreshKey` on refresh routes),
   * `queryKey`, `accessCookieKey` (`refreshCookieKey` on refresh routes).
   */
  readonly tokenKey?: string;
  /**
   * Prefix before the token (`null`: a bare token). Defaults: `headerType` for headers, `jsonType`
   * for JSON, none for query and cookies.
   */
  readonly tokenPrefix?: string | null;
  /** A refresh route: the JSON key defaults to `jsonRefreshKey`, the cookie to `refreshCookieKey`. */
  readonly refreshToken?: boolean;
  /** Largest JSON body read by the lookup itself, in bytes. Default 100 kB (as body-parser). */
  readonly bodyLimit?: number;
}

/** A token found in a request, and where. */
export interface FoundHttpToken {
  readonly token: string;
  readonly location: HttpTokenLocation;
}

/** The configuration fields the lookup reads. */
export type HttpTransportConfig = Pick<
  ResolvedPasetoConfig,
  | 'tokenLocation'
  | 'headerName'
  | 'headerType'
  | 'jsonKey'
  | 'jsonRefreshKey'
  | 'jsonType'
  | 'queryKey'
  | 'accessCookieKey'
  | 'refreshCookieKey'
  | 'accessCsrfCookieKey'
  | 'refreshCsrfCookieKey'
>;


function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** The locations of a lookup, validated as a whole so a misconfiguration shows on every request. */
export function resolveHttpLocations(
  location: HttpTokenLookupOptions['location'],
  config: HttpTransportConfig,
  error: TransportErrorFactory,
): readonly HttpTokenLocation[] {
  return resolveLocations(location, config.tokenLocation, HTTP_LOCATIONS, 'HTTP', HTTP_LOCATION_HINTS, (message) => error('invalid_argument', message));
}

const HTTP_LOCATION_HINTS = { auth: "'auth' is the Socket.IO handshake payload; HTTP has none" };

/** The headers and query string of a request, as the shared lookup reads them. */
function sourceOf(request: HttpRequestLike): TokenSource {
  return { headers: request.headers, rawHeaders: request.rawHeaders, target: request.originalUrl ?? request.url, query: request.query };
}

/**
 * Finds the token of an HTTP request: the first location (in order) that holds a value decides.
 * Returns `undefined` when no location holds one; throws `bad_header` when the value found is
 * malformed (it is never skipped in favour of a later location), `invalid_argument` for a location
 * HTTP cannot have, and {@link RequestBodyError} when a JSON body it must read is unreadable.
 */
export function readHttpToken(
  request: HttpRequestLike,
  config: HttpTransportConfig,
  lookup: HttpTokenLookupOptions,
  error: TransportErrorFactory,
): MaybePromise<FoundHttpToken | undefined> {
  const locations = resolveHttpLocations(lookup.location, config, error);
  return findToken(locations, (location) => readLocation(location, request, config, lookup, error));
}

function readLocation(
  location: HttpTokenLocation,
  request: HttpRequestLike,
  config: HttpTransportConfig,
  lookup: HttpTokenLookupOptions,
  error: TransportErrorFactory,
): MaybePromise<string | undefined> {
  switch (location) {
    case 'headers':
      return readHeaderToken(sourceOf(request), lookup.tokenKey ?? config.headerName, lookup.tokenPrefix !== undefined ? lookup.tokenPrefix : config.headerType, error);
    case 'json':
      return readJsonToken(request, config, lookup, error);
    case 'query':
      return readQueryToken(sourceOf(request), lookup.tokenKey ?? config.queryKey, lookup.tokenPrefix !== undefined ? lookup.tokenPrefix : null, error);
    case 'cookies': {
      const name = lookup.tokenKey ?? (lookup.refreshToken ? config.refreshCookieKey : config.accessCookieKey);
      const prefix = lookup.tokenPrefix !== undefined ? lookup.tokenPrefix : null;
      // A second cookie of a name comes from a sibling subdomain or a plain-HTTP page (cookie tossing):
      // "the first wins" would log the victim in as the attacker, so two are refused as ambiguous,
      // whatever a cookie parser made of them.
      const token = readPrefixedToken(cookieLines(request, name) > 1 ? [] : cookieValue(request, name), prefix, 'cookie', name, error);
      const csrfName = lookup.refreshToken ? config.refreshCsrfCookieKey : config.accessCsrfCookieKey;
      if (token !== undefined && cookieLines(request, csrfName) > 1) throw error('bad_header', `Bad ${csrfName} cookie. Expected a single value`);
      return token;
    }
  }
}

async function readJsonToken(
  request: HttpRequestLike,
  config: HttpTransportConfig,
  lookup: HttpTokenLookupOptions,
  error: TransportErrorFactory,
): Promise<string | undefined> {
  const key = lookup.tokenKey ?? (lookup.refreshToken ? config.jsonRefreshKey : config.jsonKey);
  const prefix = lookup.tokenPrefix !== undefined ? lookup.tokenPrefix : config.jsonType;
  const body = await readJsonBody(request, lookup.bodyLimit ?? DEFAULT_BODY_LIMIT);
  if (body === undefined || !Object.prototype.hasOwnProperty.call(body, key)) return undefined;
  // A key that is present but null is a malformed value, not an absent one.
  const value = body[key] === null ? '' : body[key];
  return readPrefixedToken(value, prefix, 'json', key, error);
}

/** How many cookies of a name the request carries (node joins several Cookie lines with '; '). */
function cookieLines(request: HttpRequestLike, name: string): number {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return 0;
  let count = 0;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at >= 0 && pair.slice(0, at).trim() === name) count += 1;
  }
  return count;
}

function cookieValue(request: HttpRequestLike, name: string): unknown {
  if (isRecord(request.cookies)) {
    return Object.prototype.hasOwnProperty.call(request.cookies, name) ? request.cookies[name] : undefined;
  }
  const header = request.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0 || pair.slice(0, at).trim() !== name) continue;
    let value = pair.slice(at + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}
