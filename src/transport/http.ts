import type { HttpTokenLocation, ResolvedPasetoConfig } from '../config/options';
import { HTTP_LOCATIONS } from '../config/schema';
import type { MaybePromise } from '../maybe-promise';
import { findToken, readHeaderToken, readQueryToken, resolveLocations, type TokenSource } from './lookup';
import { readPrefixedToken, type TransportErrorFactory } from './prefixed';

/**
 * The parts of an HTTP request the token lookup reads. Structural on purpose: this module must not
 * depend on express (DESIGN §5); express 4 and 5 requests (node `IncomingMessage`s) satisfy it.
 * The stream methods are used only to read a JSON body no parser has read yet.
 */
export interface HttpRequestLike {
  /** Header names in lower case, as node gives them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Every header line as received, names and values alternating (node keeps duplicates here only). */
  readonly rawHeaders?: readonly string[];
  /** The parsed body when a body parser ran (or after the lookup read it). */
  body?: unknown;
  /** The parsed query string (express); when absent, `url` is parsed. */
  readonly query?: unknown;
  /** The parsed cookies when cookie-parser ran; when absent, the Cookie header is parsed. */
  readonly cookies?: unknown;
  /** The request target (express may strip a mount path; the query string stays). */
  readonly url?: string;
  /** express: the request target as received; the query string is counted from it. */
  readonly originalUrl?: string;
  /** The HTTP method, read to decide whether a cookie-borne token needs its CSRF header. */
  readonly method?: string;
  /** Set by body-parser 1.x once it has read the body. */
  _body?: boolean;
  /** True once the body stream has been read to its end (by anyone). */
  readonly readableEnded?: boolean;
  on?(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on?(event: 'end' | 'close', listener: () => void): unknown;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  removeListener?(event: string, listener: (...args: never[]) => void): unknown;
  resume?(): unknown;
}

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


/** Default largest JSON body the lookup reads itself. */
export const DEFAULT_BODY_LIMIT = 100 * 1024;


/**
 * A request body the JSON lookup could not read: too large (413), not UTF-8 or compressed (415),
 * malformed JSON or a broken stream (400). Framework-free (routing-controllers stays an optional
 * peer): routing-controllers renders it by `httpCode` and `toJSON()`, and express' own handler by
 * `status`/`statusCode`.
 */
export class RequestBodyError extends Error {
  /** The HTTP status, read by routing-controllers. */
  readonly httpCode: number;
  readonly status: number;
  readonly statusCode: number;
  /** express/http-errors convention: the message is safe to show the client. */
  readonly expose = true;

  constructor(status: number, message: string) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'RequestBodyError';
    this.httpCode = status;
    this.status = status;
    this.statusCode = status;
  }

  toJSON(): { name: string; message: string; status: number } {
    return { name: this.name, message: this.message, status: this.httpCode };
  }
}

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

function headerString(request: HttpRequestLike, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * The JSON body of a request as an object, or `undefined` when there is none or the content type
 * is not JSON (`application/json`, `application/*+json`). A body a parser already read is taken
 * from `request.body`. Otherwise, for a JSON content type, the stream is read
 * here with a size limit, and the result kept on `request.body` (with body-parser's `_body` flag and
 * the stream ended) so later parsers and `@Body()` see it instead of reading a drained stream.
 * routing-controllers parses bodies only on routes with `@Body`, so a JSON token on any other route
 * needs this.
 */
export async function readJsonBody(request: HttpRequestLike, limit: number = DEFAULT_BODY_LIMIT): Promise<Record<string, unknown> | undefined> {
  // Only a JSON body, parsed already or not: a form post (urlencoded, multipart) is what a cross-site
  // page can send without a preflight, and its field must not win over a CSRF-checked cookie.
  if (!isJsonContentType(headerString(request, 'content-type'))) return undefined;
  if (request._body === true || request.readableEnded === true) return isRecord(request.body) ? request.body : undefined;
  if (isRecord(request.body) && Object.keys(request.body).length > 0) return request.body;
  const length = headerString(request, 'content-length');
  const chunked = request.headers['transfer-encoding'] !== undefined;
  if (!chunked && (length === undefined || Number(length) === 0)) return undefined;
  if (typeof request.on !== 'function') return undefined;

  const encoding = (headerString(request, 'content-encoding') ?? 'identity').toLowerCase();
  if (encoding !== 'identity') {
    drain(request);
    throw new RequestBodyError(415, 'Unsupported content encoding of the JSON body');
  }
  const charset = /;\s*charset=("?)([^";\s]+)\1/i.exec(headerString(request, 'content-type') ?? '')?.[2]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    drain(request);
    throw new RequestBodyError(415, 'Unsupported charset of the JSON body');
  }
  if (length !== undefined && Number(length) > limit) {
    drain(request);
    throw new RequestBodyError(413, 'Request body too large');
  }

  const raw = await readStream(request, limit);
  request._body = true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    request.body = {};
    throw new RequestBodyError(400, 'Malformed JSON body');
  }
  request.body = parsed;
  return isRecord(parsed) ? parsed : undefined;
}

/** Discard the rest of a body we refuse, so the connection can be reused. */
function drain(request: HttpRequestLike): void {
  request.resume?.();
}

function readStream(request: HttpRequestLike, limit: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (failure: RequestBodyError | undefined): void => {
      if (settled) return;
      settled = true;
      request.removeListener?.('data', onData);
      request.removeListener?.('end', onEnd);
      request.removeListener?.('error', onError);
      request.removeListener?.('close', onClose);
      if (failure) {
        drain(request);
        reject(failure);
      } else {
        resolve(Buffer.concat(chunks));
      }
    };
    const onData = (chunk: Buffer | string): void => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      size += buffer.length;
      if (size > limit) finish(new RequestBodyError(413, 'Request body too large'));
      else chunks.push(buffer);
    };
    const onEnd = (): void => finish(undefined);
    const onError = (): void => finish(new RequestBodyError(400, 'Request body could not be read'));
    // 'close' before 'end': the client went away mid-body.
    const onClose = (): void => finish(new RequestBodyError(400, 'Request body could not be read'));
    request.on?.('data', onData);
    request.on?.('end', onEnd);
    request.on?.('error', onError);
    request.on?.('close', onClose);
  });
}
