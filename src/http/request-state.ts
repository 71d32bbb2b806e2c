import type { PasetoAuthService } from '../service';
import { withRefusedToken } from '../events';
import { andThen, type MaybePromise } from '../maybe-promise';
import type { VerifiedToken } from '../tokens/types';
import { readHttpToken, type HttpRequestLike, type HttpTokenLookupOptions } from '../transport/http';
import { checkCsrf, csrfRequired } from './cookies';
import type { PasetoRequirementOptions } from './requirement';

/**
 * What one request has learnt about its token. It lives on the request object itself (under a
 * private symbol, non-enumerable), so it dies with the request and no request can see another's:
 * there is no module-level cache to leak a previous user.
 */
interface RequestAuthState {
  /** Authentications by service, then by token and requirement: the route guard, the current-user checker and `@Auth()` share them. */
  readonly authentications: Map<PasetoAuthService, Map<string, Outcome>>;
  /** What the route guard (authorization checker) settled, if it ran. */
  guard?: { readonly service: PasetoAuthService; readonly verified: VerifiedToken | null };
  /** Users loaded per loader function, so two `@CurrentUser()` parameters load once. */
  readonly users: Map<object, Promise<unknown>>;
}

/** How an authentication ended (or the promise of it), so a second caller gets the same answer as the first. */
type Outcome = { readonly verified: VerifiedToken | null } | { readonly error: unknown } | Promise<VerifiedToken | null>;

function replay(outcome: Outcome): MaybePromise<VerifiedToken | null> {
  if (outcome instanceof Promise) return outcome;
  if ('error' in outcome) throw outcome.error;
  return outcome.verified;
}

const STATE = Symbol('paseto-controllers.request-state');

type StatefulRequest = HttpRequestLike & { [STATE]?: RequestAuthState };

/** The auth state of a request, created on first use. */
export function requestState(request: HttpRequestLike): RequestAuthState {
  const holder = request as StatefulRequest;
  let state = holder[STATE];
  if (state === undefined) {
    state = { authentications: new Map(), users: new Map() };
    // Non-enumerable: loggers and serializers that walk the request do not see it.
    Object.defineProperty(holder, STATE, { value: state, enumerable: false, configurable: true, writable: false });
  }
  return state;
}

/** A route requirement plus an explicit token (which skips the lookup) and lookup tuning. */
export interface RequestAuthenticationOptions extends Omit<PasetoRequirementOptions, 'roles' | 'anyRole'> {
  /** An explicit token: no lookup in the request. */
  token?: string;
  /** Largest JSON body the lookup reads itself. */
  bodyLimit?: number;
}

function assertionKey(value: string | Uint8Array | undefined): string | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? `s:${value}` : `b:${Buffer.from(value).toString('base64')}`;
}

/**
 * Finds and verifies the token of a request against a requirement, at most once per request for
 * the same token and requirement: later callers get the same result (or the same error).
 * A token read from a cookie on a method in `csrfMethods` must also pass the double-submit CSRF
 * check (`csrf_failed`), optional requirement or not: a forged request is refused, not made anonymous.
 * It answers synchronously unless a JSON body or the denylist store has to be waited for.
 */
export function authenticateRequestNow(
  service: PasetoAuthService,
  request: HttpRequestLike,
  options: RequestAuthenticationOptions,
): MaybePromise<VerifiedToken | null> {
  if (options.token !== undefined) return settle(service, request, options, options.token, false);
  const lookup: HttpTokenLookupOptions = {
    location: options.location,
    tokenKey: options.tokenKey,
    tokenPrefix: options.tokenPrefix,
    refreshToken: options.refreshToken,
    bodyLimit: options.bodyLimit,
  };
  return andThen(readHttpToken(request, service.config, lookup, (code, message) => service.error(code, message)), (found) =>
    // Only cookies are sent by the browser on its own, so only they need the CSRF header.
    settle(service, request, options, found?.token, found?.location === 'cookies' && csrfRequired(service.config, request)),
  );
}

/** {@link authenticateRequestNow}, always as a promise. */
export async function authenticateRequest(
  service: PasetoAuthService,
  request: HttpRequestLike,
  options: RequestAuthenticationOptions,
): Promise<VerifiedToken | null> {
  return authenticateRequestNow(service, request, options);
}

function settle(
  service: PasetoAuthService,
  request: HttpRequestLike,
  options: RequestAuthenticationOptions,
  token: string | undefined,
  csrf: boolean,
): MaybePromise<VerifiedToken | null> {
  // Flags first, then the free-form parts, each ending at a NUL (which neither a token nor a type holds).
  const key = `${options.optional === true ? 1 : 0}${options.fresh === true ? 1 : 0}${options.refreshToken === true ? 1 : 0}${
    options.base64Encoded === true ? 1 : 0
  }${csrf ? 1 : 0}${options.type ?? ''}\0${assertionKey(options.implicitAssertion) ?? ''}\0${token ?? ''}`;
  const state = requestState(request);
  let byKey = state.authentications.get(service);
  if (byKey === undefined) {
    byKey = new Map();
    state.authentications.set(service, byKey);
  }
  let outcome = byKey.get(key);
  if (outcome === undefined) {
    try {
      const verified = andThen(service.authenticateNow(token, options), (result) => {
        if (csrf && result !== null) {
          try {
            checkCsrf(service, request, result);
          } catch (error) {
            throw withRefusedToken(error, result);
          }
        }
        return result;
      });
      outcome = verified instanceof Promise ? verified : { verified };
    } catch (error) {
      outcome = { error };
    }
    // A cached promise is awaited by its callers; this keeps a rejection nobody else awaits from
    // being reported as unhandled.
    if (outcome instanceof Promise) outcome.catch(() => undefined);
    byKey.set(key, outcome);
  }
  return replay(outcome);
}
