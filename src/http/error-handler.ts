import { STATUS_CODES } from 'node:http';
import { AuthPasetoError, DEFAULT_STATUS_CODES, ErrorMessages, isAuthPasetoError, PasetoConfigError, type AuthPasetoErrorCode } from '../errors';
import type { PasetoAuthService } from '../service';
import { serviceSource, type PasetoAuthSource } from '../service-source';
import { RequestBodyError } from '../transport/http';
import { INTERNAL_ERROR_BODY, InternalServerError } from './internal-error';
import { checkBoolean, checkKnownKeys } from './options';

/** The response methods this module uses; express 4 and 5 responses (node `ServerResponse`s) fit. */
export interface HttpResponseLike {
  readonly headersSent?: boolean;
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/** The library's fixed messages: they hold no request or claim text. */
const FIXED_MESSAGES: ReadonlySet<string> = new Set(Object.values(ErrorMessages));

/** What the header says for a code whose message can hold text from the request or the token. */
const FIXED_DESCRIPTIONS: Readonly<Partial<Record<AuthPasetoErrorCode, string>>> = {
  bad_header: 'Malformed token value',
  invalid_version: 'Unsupported PASETO version',
  invalid_purpose: 'Unsupported PASETO purpose',
  wrong_token_type: 'Wrong token type',
  invalid_argument: 'Invalid request',
};

/**
 * The `error_description` of an error: its message when it is one of the fixed library messages,
 * else a fixed text for its code. Claim text (a token's `type`) never reaches a header, where a
 * control character or one above U+00FF would make node throw, and anything outside RFC 6750's
 * characters (`%x20-21 / %x23-5B / %x5D-7E`) is dropped.
 */
function description(error: AuthPasetoError): string {
  const text = FIXED_MESSAGES.has(error.message) ? error.message : (FIXED_DESCRIPTIONS[error.code] ?? 'Authentication failed');
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');
}

/**
 * The RFC 6750 `WWW-Authenticate` value for an error, or `undefined` when its status takes none:
 * 401 without a token is a bare challenge (`Bearer`, no error code: RFC 6750 §3.1), 401 otherwise
 * `error="invalid_token"`, 403 `error="insufficient_scope"`, 400 `error="invalid_request"`.
 * The scheme is the configured `headerType` (`Bearer` when bare tokens are configured). The
 * description holds no text from the request or the token (see `description`).
 */
export function wwwAuthenticateValue(error: AuthPasetoError, scheme: string = 'Bearer'): string | undefined {
  const detail = `error_description="${description(error)}"`;
  switch (error.httpCode) {
    case 401:
      return error.code === 'token_missing' ? scheme : `${scheme} error="invalid_token", ${detail}`;
    case 403:
      return `${scheme} error="insufficient_scope", ${detail}`;
    case 400:
      return `${scheme} error="invalid_request", ${detail}`;
    default:
      return undefined;
  }
}

/**
 * Sets the `WWW-Authenticate` header of an auth error on a response that has not been sent yet.
 * The checkers call it before throwing, so the header is there with routing-controllers' default
 * error handler too (it renders the error on the same response object).
 */
export function setAuthErrorHeaders(response: unknown, error: unknown, service?: PasetoAuthService): void {
  if (!isAuthPasetoError(error) || typeof response !== 'object' || response === null) return;
  const res = response as Partial<HttpResponseLike>;
  if (res.headersSent || typeof res.setHeader !== 'function') return;
  const value = wwwAuthenticateValue(error, service?.config.headerType ?? 'Bearer');
  if (value !== undefined) res.setHeader('WWW-Authenticate', value);
}

/** Options of {@link pasetoErrorHandler}. */
export interface PasetoErrorHandlerOptions {
  /**
   * The service whose `statusCodes` and `headerType` apply to translated routing-controllers
   * errors. Default: `Container.get(PasetoAuthService)` (its defaults when there is none).
   */
  auth?: PasetoAuthSource;
  /**
   * `true`: render every error, JSON only, and never pass one on (what `withPaseto` wires):
   * HTTP errors (an `httpCode`, e.g. routing-controllers' `UnauthorizedError`) with their status
   * and body, request errors of body parsers (a 4xx `status`) with a fixed message per status, and
   * anything else as a bare 500, logged with `logError`. Default `false`: render ours only.
   */
  renderAll?: boolean;
  /** Where `renderAll` reports an unexpected error (answered 500). Default `console.error`. */
  logError?: (error: unknown) => void;
}

/**
 * routing-controllers' own 401/403 errors carry the request URL, query string included, in their
 * message; they become ours (without the URL) here, with the service's `statusCodes`.
 */
function translate(error: unknown, service: PasetoAuthService | undefined): unknown {
  if (!(error instanceof Error)) return error;
  const statusOf = (code: AuthPasetoErrorCode): number => (service ? service.config.statusCodes[code] : DEFAULT_STATUS_CODES[code]);
  if (error.name === 'AuthorizationRequiredError') {
    return new AuthPasetoError('token_missing', ErrorMessages.tokenMissing, statusOf('token_missing'));
  }
  if (error.name === 'AccessDeniedError') {
    return new AuthPasetoError('insufficient_role', ErrorMessages.insufficientRole, statusOf('insufficient_role'));
  }
  return error;
}

function send(res: HttpResponseLike, status: number, body: object): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/**
 * For routing-controllers' `errorOverridingMap` option, with its default error handler: its own
 * `AuthorizationRequiredError` / `AccessDeniedError` (a `@CurrentUser({ required: true })` on a route
 * without a guard, or a checker of yours returning `false`) carry the request URL in their message;
 * this replaces the JSON body of `@JsonController`s by ours. Prefer guarding such routes with
 * `@Authorized()`, which never lets routing-controllers build those errors.
 */
export const pasetoErrorOverridingMap: Readonly<Record<string, Readonly<Record<string, unknown>>>> = Object.freeze({
  AuthorizationRequiredError: Object.freeze({ name: 'AuthPasetoError', message: ErrorMessages.tokenMissing, code: 'token_missing', status: 401 }),
  AccessDeniedError: Object.freeze({ name: 'AuthPasetoError', message: ErrorMessages.insufficientRole, code: 'insufficient_role', status: 403 }),
});

/** An express error middleware (four parameters). */
export type PasetoErrorRequestHandler = (error: unknown, request: unknown, response: HttpResponseLike, next: (error?: unknown) => void) => void;

/** Fixed messages of body-parser's request errors (by its `type`): the parser's own text may quote the body. */
const BODY_ERROR_MESSAGES: Readonly<Record<string, string>> = {
  'entity.parse.failed': 'Malformed JSON body',
  'entity.too.large': 'Request body is too large',
  'encoding.unsupported': 'Unsupported content encoding',
  'charset.unsupported': 'Unsupported charset',
};

/** An error with a numeric `httpCode` (routing-controllers' `HttpError` and its kin). */
function httpCodeOf(error: unknown): number | undefined {
  const code = (error as { httpCode?: unknown } | null)?.httpCode;
  return typeof code === 'number' && Number.isInteger(code) && code >= 400 && code <= 599 ? code : undefined;
}

/** An express-style request error (`http-errors`, body-parser): a 4xx `status`. */
function requestStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 499 ? status : undefined;
}

/** routing-controllers' JSON body of an HTTP error: its `toJSON()`, else name, message and own fields but the stack. */
function httpErrorBody(error: Error): object {
  const custom = (error as { toJSON?: unknown }).toJSON;
  if (typeof custom === 'function') return custom.call(error) as object;
  const body: Record<string, unknown> = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) if (key !== 'stack' && key !== 'httpCode') body[key] = value;
  return body;
}

/**
 * An express error middleware rendering errors as JSON with their status (and, for ours, their
 * `WWW-Authenticate` header). `withPaseto` registers it with `renderAll: true`; by hand, register
 * it after `useExpressServer(...)`:
 *
 * - with `defaultErrorHandler: false` it renders auth errors (`{ name, message, code, status }`),
 *   the JSON lookup's body errors, and routing-controllers' own `AuthorizationRequiredError` /
 *   `AccessDeniedError` (translated to `token_missing` / `insufficient_role` with the service's
 *   `statusCodes`, so no URL reaches the client); with `renderAll` every other error too, else they
 *   go on to your handlers untouched;
 * - with the default handler it ends auth errors that were already rendered, so express neither
 *   logs their stack nor closes the keep-alive connection.
 *
 * @throws PasetoConfigError at creation, for bad options or a bad service configuration
 */
export function pasetoErrorHandler(options: PasetoErrorHandlerOptions = {}): PasetoErrorRequestHandler {
  const given = checkKnownKeys(options, ['auth', 'renderAll', 'logError'], 'pasetoErrorHandler');
  checkBoolean(given, 'renderAll', 'pasetoErrorHandler');
  if (options.logError !== undefined && typeof options.logError !== 'function') {
    throw new PasetoConfigError('logError', 'pasetoErrorHandler: expected a function (error) => void');
  }
  const source = serviceSource(options.auth);
  // Resolved now when it can be (a bad configuration fails at wiring), else at the first error;
  // without a service the default statuses apply: the error handler itself never fails.
  let service = source.ready ? source.get() : undefined;
  const serviceNow = (): PasetoAuthService | undefined => {
    if (service === undefined) {
      try {
        service = source.get();
      } catch {
        return undefined;
      }
    }
    return service;
  };
  const renderAll = options.renderAll === true;
  const logError = options.logError ?? ((error: unknown) => console.error('paseto-controllers: an error was answered 500:', error));
  return function pasetoErrorHandler(error, _request, response, next) {
    const translated = translate(error, serviceNow());
    const ours = isAuthPasetoError(translated) || translated instanceof RequestBodyError || translated instanceof InternalServerError;
    if (response.headersSent) {
      // Already rendered by routing-controllers: nothing left to do for an expected auth failure.
      // Anything else was cut off mid-response: express must close the connection.
      if (ours || translated !== error) return;
      next(error);
      return;
    }
    if (isAuthPasetoError(translated)) {
      setAuthErrorHeaders(response, translated, serviceNow());
      send(response, translated.httpCode, translated.toJSON());
      return;
    }
    if (ours) {
      send(response, translated.httpCode, translated.toJSON());
      return;
    }
    if (!renderAll) {
      next(error);
      return;
    }
    const httpCode = httpCodeOf(error);
    if (httpCode !== undefined && error instanceof Error) {
      send(response, httpCode, httpErrorBody(error));
      return;
    }
    const status = requestStatusOf(error);
    if (status !== undefined) {
      const type = (error as { type?: unknown }).type;
      const text = STATUS_CODES[status] ?? 'Bad Request';
      const message = (typeof type === 'string' ? BODY_ERROR_MESSAGES[type] : undefined) ?? text;
      send(response, status, { name: `${text.replace(/[^A-Za-z]/g, '')}Error`, message });
      return;
    }
    logError(error);
    send(response, 500, INTERNAL_ERROR_BODY);
  };
}
