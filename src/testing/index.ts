/**
 * `paseto-controllers/testing`: a service, a clock and token helpers for an application's tests.
 * A separate entry point: the main entry never loads it, so production code does not carry it.
 */
import type { PasetoAuthOptions, PasetoPurpose, PasetoVersion } from '../config/options';
import { PasetoConfigError } from '../errors';
import { generateKeys } from '../keys/generate';
import { PasetoAuthService } from '../service';
import { TestClock } from './clock';

export { TestClock } from './clock';

/** Options of {@link createTestAuth}: the service's options, with a {@link TestClock} as the only clock. */
export type TestAuthOptions = Omit<PasetoAuthOptions, 'clock'> & {
  /**
   * The clock to use (e.g. `new TestClock(new Date('2030-01-01'))`). Default: a new one at the wall
   * clock's now rounded down to the second, so that token times (whole seconds) fall on exact
   * `advance()` boundaries: a 60 s token verifies after `advance(60_000)` and not after one more ms.
   */
  clock?: TestClock;
};

/** What an access token made by {@link TestAuth.accessToken} carries beyond its subject. */
export interface TestAccessTokenOptions {
  /** Put in the configured `rolesClaim` (default `roles`). */
  roles?: readonly string[];
  /** A fresh token (`@FreshTokenRequired()`, `fresh: true` namespaces). Default `false`. */
  fresh?: boolean;
  /** Extra claims. */
  userClaims?: Readonly<Record<string, unknown>>;
}

/** The result of {@link createTestAuth}. */
export interface TestAuth {
  /** The service: hand it to `withPaseto`, the checkers, `pasetoSocketMiddleware({ auth })` or `Container.set`. */
  readonly auth: PasetoAuthService;
  /** The service's clock: `clock.advance(ms)` moves token time and fires live-session timers. */
  readonly clock: TestClock;
  /** An access token of `subject`, with roles, freshness or claims when asked. */
  accessToken(subject: string | number, options?: TestAccessTokenOptions): Promise<string>;
  /** A refresh token of `subject`. */
  refreshToken(subject: string | number, options?: Pick<TestAccessTokenOptions, 'userClaims'>): Promise<string>;
  /** An access token of `subject` that expired (beyond `decodeLeeway`) one second before the clock's now. */
  expiredToken(subject: string | number, options?: TestAccessTokenOptions): Promise<string>;
  /** The request header carrying `token`: `{ Authorization: 'Bearer <token>' }` (the configured header and type). */
  authHeader(token: string): Record<string, string>;
}

const KEY_OPTIONS = ['secretKey', 'secretKeyFile', 'privateKey', 'privateKeyFile', 'publicKey', 'publicKeyFile', 'keys', 'keySetUrl'] as const;

/**
 * A {@link PasetoAuthService} for tests, on a {@link TestClock}, with helpers that mint tokens and
 * headers. Without key options (nor `keySetUrl`) it gets a fresh random key of the configured
 * `version` and `purpose` (a key pair for `public`); every other option is the service's and is
 * validated as the service validates it.
 * @throws PasetoConfigError for options the service refuses, or a `clock` that is not a {@link TestClock}
 * @example
 * const { auth, clock, accessToken, authHeader } = createTestAuth();
 * const app = createExpressServer(withPaseto({ controllers: [Profile] }, { auth }));
 * await request(app).get('/me').set(authHeader(await accessToken('alice', { roles: ['admin'] }))).expect(200);
 * clock.advance(16 * 60_000); // past the default 15-minute lifetime: the same token now gets 401
 */
export function createTestAuth(options: TestAuthOptions = {}): TestAuth {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new PasetoConfigError('options', 'expected an options object');
  const { clock = new TestClock(Math.floor(Date.now() / 1000) * 1000), ...rest } = options;
  if (!(clock instanceof TestClock)) throw new PasetoConfigError('clock', 'createTestAuth takes a TestClock from paseto-controllers/testing');
  const auth = new PasetoAuthService({ ...withKey(rest), clock });
  const rolesClaim = auth.config.rolesClaim;
  const accessToken = (subject: string | number, { roles, fresh, userClaims }: TestAccessTokenOptions = {}, expiresIn?: Date): Promise<string> =>
    auth.createAccessToken({ subject, fresh, expiresIn, userClaims: roles === undefined ? userClaims : { ...userClaims, [rolesClaim]: [...roles] } });
  return {
    auth,
    clock,
    accessToken: (subject, tokenOptions) => accessToken(subject, tokenOptions),
    refreshToken: (subject, { userClaims } = {}) => auth.createRefreshToken({ subject, userClaims }),
    expiredToken: (subject, tokenOptions) => accessToken(subject, tokenOptions, new Date(clock.now() - auth.config.decodeLeeway * 1000 - 1000)),
    authHeader: (token) => ({ [auth.config.headerName]: auth.config.headerType === null ? token : `${auth.config.headerType} ${token}` }),
  };
}

/** The options with a fresh random key when they name none. */
function withKey(options: Omit<PasetoAuthOptions, 'clock'>): Omit<PasetoAuthOptions, 'clock'> {
  if (KEY_OPTIONS.some((field) => options[field] !== undefined)) return options;
  const version: PasetoVersion = options.version === 3 ? 3 : 4;
  const purpose: PasetoPurpose = options.purpose === 'public' ? 'public' : 'local';
  const { secretKey, privateKey, publicKey } = generateKeys({ version, purpose });
  return purpose === 'local' ? { ...options, secretKey } : { ...options, privateKey, publicKey };
}
