import type { HttpRequestLike } from './http-request';

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
