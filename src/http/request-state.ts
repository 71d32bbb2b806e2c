import type { PasetoAuthService } from '../service';
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
  readonly authentications: Map<PasetoAuthService, Map<string, Promise<VerifiedToken | null>>>;
  /** What the route guard (authorization checker) settled, if it ran. */
  guard?: { readonly service: PasetoAuthService; readonly verified: VerifiedToken | null };
  /** Users loaded per loader function, so two `@CurrentUser()` parameters load once. */
  readonly users: Map<object, Promise<unknown>>;
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
 */
export async function authenticateRequest(
  service: PasetoAuthService,
  request: HttpRequestLike,
  options: RequestAuthenticationOptions,
): Promise<VerifiedToken | null> {
  let token: string | undefined;
  let csrf = false;
  if (options.token !== undefined) {
    token = options.token;
  } else {
    const lookup: HttpTokenLookupOptions = {
      location: options.location,
      tokenKey: options.tokenKey,
      tokenPrefix: options.tokenPrefix,
      refreshToken: options.refreshToken,
      bodyLimit: options.bodyLimit,
    };
    const found = await readHttpToken(request, service.config, lookup, (code, message) => service.error(code, message));
    token = found?.token;
    // Only cookies are sent by the browser on its own, so only they need the CSRF header.
    csrf = found?.location === 'cookies' && csrfRequired(service.config, request);
  }
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
  let pending = byKey.get(key);
  if (pending === undefined) {
    pending = service.authenticate(token, options);
    if (csrf) {
      pending = pending.then((verified) => {
        if (verified !== null) checkCsrf(service, request, verified);
        return verified;
      });
    }
    byKey.set(key, pending);
    // The cached promise is awaited by its callers; this keeps a rejection nobody else awaits from
    // being reported as unhandled.
    pending.catch(() => undefined);
  }
  return pending;
}
