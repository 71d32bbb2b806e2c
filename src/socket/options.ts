import { PasetoConfigError } from '../errors';
import { resolveSocketLocations } from '../transport/socket';

/** What a check of one option answers: `undefined` when fine, else why not (for the `PasetoConfigError`). */
type OptionCheck = (value: unknown) => string | undefined;

const isFunction: OptionCheck = (value) => (typeof value === 'function' ? undefined : 'must be a function');
const isBoolean: OptionCheck = (value) => (typeof value === 'boolean' ? undefined : 'must be true or false');
const isNonEmptyString: OptionCheck = (value) => (typeof value === 'string' && value !== '' ? undefined : 'must be a non-empty string');
const isRoleList: OptionCheck = (value) =>
  Array.isArray(value) && value.every((role) => typeof role === 'string' && role !== '')
    ? undefined
    : `must be a list of role names such as ['admin'], not ${JSON.stringify(value)}`;
const isObject: OptionCheck = (value) => (typeof value === 'object' && value !== null ? undefined : 'must be an object');

/** The checks of the requirement options a socket middleware and a per-event rule share. */
export const REQUIREMENT_CHECKS: Readonly<Record<string, OptionCheck>> = {
  fresh: isBoolean,
  refreshToken: isBoolean,
  type: isNonEmptyString,
  roles: isRoleList,
  anyRole: isRoleList,
};

/**
 * The checks of every option of `pasetoSocketMiddleware`. Options with their own resolver
 * (`allowedOrigins`, `liveSession`, `events`) are only type-checked here and resolved by it.
 */
const MIDDLEWARE_CHECKS: Readonly<Record<string, OptionCheck>> = {
  ...REQUIREMENT_CHECKS,
  // Checked by the service resolver, with the same message as the HTTP adapters.
  auth: () => undefined,
  token: (value) => (typeof value === 'string' || typeof value === 'function' ? undefined : 'must be a token string or a function returning one'),
  optional: isBoolean,
  base64Encoded: isBoolean,
  implicitAssertion: (value) => (typeof value === 'string' || value instanceof Uint8Array ? undefined : 'must be a string or a Uint8Array'),
  allowedOrigins: () => undefined,
  events: () => undefined,
  userLoader: isFunction,
  onError: isFunction,
  liveSession: (value) => (typeof value === 'boolean' || isObject(value) === undefined ? undefined : 'must be true, false or an object'),
  location: (value) => {
    try {
      resolveSocketLocations(value as string | readonly string[], { websocketTokenLocation: [] }, (message) => new Error(message));
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  },
  tokenKey: isNonEmptyString,
  queryKey: isNonEmptyString,
  tokenPrefix: (value) => (value === null || typeof value === 'string' ? undefined : 'must be a prefix such as Bearer, or null for a bare token'),
};

/** The options `createPasetoSocketMiddleware` adds for socket-controllers. */
const SOCKET_CONTROLLERS_CHECKS: Readonly<Record<string, OptionCheck>> = {
  namespace: (value) =>
    typeof value === 'string' || value instanceof RegExp || (Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string' || entry instanceof RegExp))
      ? undefined
      : 'must be a namespace path, a RegExp, or a non-empty list of them',
  priority: (value) => (typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number'),
};

/**
 * Validates option objects against a table of checks: unknown keys (a typo such as `role` would
 * silently leave a namespace open), values of the wrong kind, and `fresh` with `refreshToken`.
 * `undefined` values count as absent. `prefix` names the object in the error (`events.transfer.`).
 * @throws PasetoConfigError naming the field
 */
export function checkOptions(options: unknown, checks: Readonly<Record<string, OptionCheck>>, prefix = ''): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new PasetoConfigError(prefix === '' ? 'options' : prefix.slice(0, -1), 'must be an object of options');
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const check = checks[key];
    if (check === undefined) {
      const known = Object.keys(checks).join(', ');
      throw new PasetoConfigError(prefix + key, `is not an option here (known: ${known})`);
    }
    if (record[key] === undefined) continue;
    const problem = check(record[key]);
    if (problem !== undefined) throw new PasetoConfigError(prefix + key, problem);
  }
  if (record.fresh === true && record.refreshToken === true) {
    throw new PasetoConfigError(prefix + 'fresh', 'cannot be combined with refreshToken: refresh tokens are never fresh');
  }
}

/**
 * Validates the options of `pasetoSocketMiddleware` when it is created, as the HTTP decorators and
 * the service do: a mistake fails at start-up, never on a connection.
 * @throws PasetoConfigError naming the field
 */
export function checkSocketMiddlewareOptions(options: unknown): void {
  checkOptions(options, MIDDLEWARE_CHECKS);
}

/**
 * Validates the options of `createPasetoSocketMiddleware` (the middleware's plus `namespace` and `priority`).
 * @throws PasetoConfigError naming the field
 */
export function checkSocketControllersMiddlewareOptions(options: unknown): void {
  checkOptions(options, { ...MIDDLEWARE_CHECKS, ...SOCKET_CONTROLLERS_CHECKS });
}
