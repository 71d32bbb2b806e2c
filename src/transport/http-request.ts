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
