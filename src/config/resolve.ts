import { validateSync, type ValidationError } from 'class-validator';
import { DEFAULT_STATUS_CODES, PasetoConfigError } from '../errors';
import type { ResolvedKeyOptions } from '../keys/key-ring';
import type { PasetoAuthOptions, PasetoKeyOptions, ResolvedPasetoConfig } from './options';
import { KEY_ENTRY_FIELDS, PasetoAuthOptionsSchema } from './schema';

const THIRTY_DAYS = 30 * 24 * 60 * 60;

/** fastapi-paseto's defaults, camelCased. */
export const DEFAULTS = Object.freeze({
  tokenLocation: ['headers'],
  websocketTokenLocation: ['auth', 'headers', 'query'],
  purpose: 'local',
  version: 4,
  decodeLeeway: 0,
  requireExpiry: false,
  denylistEnabled: false,
  denylistTokenChecks: ['access', 'refresh'],
  headerName: 'Authorization',
  headerType: 'Bearer',
  jsonKey: 'access_token',
  jsonRefreshKey: 'refresh_token',
  jsonType: null,
  queryKey: 'token',
  websocketQueryKey: 'token',
  websocketQueryType: null,
  accessTokenExpires: 900,
  refreshTokenExpires: THIRTY_DAYS,
  otherTokenExpires: THIRTY_DAYS,
  rolesClaim: 'roles',
  verifiedTokenCacheSize: 1000,
  maxTokenLength: 8192,
  // fastapi-jwt-auth's cookie names and CSRF methods; its insecure cookie defaults are not kept.
  accessCookieKey: 'access_token_cookie',
  refreshCookieKey: 'refresh_token_cookie',
  cookieCsrfProtect: true,
  accessCsrfCookieKey: 'csrf_access_token',
  refreshCsrfCookieKey: 'csrf_refresh_token',
  csrfHeaderName: 'X-CSRF-Token',
  csrfMethods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  cookieSecure: true,
  cookieSameSite: 'lax',
  cookiePath: '/',
} as const);

const TOP_LEVEL_KEY_FIELDS = ['secretKey', 'secretKeyFile', 'privateKey', 'privateKeyFile', 'publicKey', 'publicKeyFile'] as const;

/** Options the service keeps itself (keys are imported, stores held), not part of the resolved configuration. */
const NOT_IN_CONFIG: ReadonlySet<string> = new Set([...TOP_LEVEL_KEY_FIELDS, 'keys', 'denylist', 'tokenInDenylistLoader', 'keySetUrl', 'keySetOptions']);
type ConfigOptions = Omit<
  PasetoAuthOptions,
  (typeof TOP_LEVEL_KEY_FIELDS)[number] | 'keys' | 'denylist' | 'tokenInDenylistLoader' | 'keySetUrl' | 'keySetOptions'
>;

/** The configuration and the key entries to import, both checked. */
export interface ResolvedOptions {
  config: ResolvedPasetoConfig;
  keys: ResolvedKeyOptions[];
  /** The field prefix of key entry i, for error messages (`''` or `keys[i].`). */
  keyField: (index: number) => string;
}

function firstError(errors: readonly ValidationError[], path = ''): PasetoConfigError | null {
  for (const error of errors) {
    const field = path + error.property;
    if (error.constraints) {
      const constraint = Object.entries(error.constraints)[0];
      const message = constraint[0] === 'whitelistValidation' ? 'unknown option (refused, not ignored)' : constraint[1];
      return new PasetoConfigError(field, message);
    }
    const nested = firstError(error.children ?? [], `${field}.`);
    if (nested) return nested;
  }
  return null;
}

function toList(value: string | readonly string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  return Object.freeze(typeof value === 'string' ? [value] : [...value]);
}

function checkKeyEntry(entry: PasetoKeyOptions, index: number): void {
  for (const [field, value] of Object.entries(entry)) {
    const check = KEY_ENTRY_FIELDS[field as keyof PasetoKeyOptions];
    if (!check) throw new PasetoConfigError(`keys[${index}].${field}`, 'unknown option (refused, not ignored)');
    const problem = value === undefined ? null : check(value);
    if (problem) throw new PasetoConfigError(`keys[${index}].${field}`, problem);
  }
}

const has = (options: PasetoKeyOptions, field: keyof PasetoKeyOptions): boolean => options[field] !== undefined;

/** Top-level key fields become up to two key entries, the one of the configured purpose first. */
function topLevelKeys(options: PasetoAuthOptions, version: 3 | 4, purpose: 'local' | 'public'): ResolvedKeyOptions[] {
  const local: ResolvedKeyOptions | null =
    has(options, 'secretKey') || has(options, 'secretKeyFile')
      ? { version, purpose: 'local', secretKey: options.secretKey, secretKeyFile: options.secretKeyFile }
      : null;
  const pub: ResolvedKeyOptions | null =
    has(options, 'privateKey') || has(options, 'privateKeyFile') || has(options, 'publicKey') || has(options, 'publicKeyFile')
      ? {
          version,
          purpose: 'public',
          privateKey: options.privateKey,
          privateKeyFile: options.privateKeyFile,
          publicKey: options.publicKey,
          publicKeyFile: options.publicKeyFile,
        }
      : null;
  if (purpose === 'local' && !local) {
    throw new PasetoConfigError('secretKey', "a secret key (secretKey or secretKeyFile) is required when purpose is 'local'");
  }
  if (purpose === 'public' && !pub) {
    throw new PasetoConfigError('privateKey', "a private key (privateKey / privateKeyFile) or a public key (publicKey / publicKeyFile) is required when purpose is 'public'");
  }
  const ordered = purpose === 'local' ? [local, pub] : [pub, local];
  return ordered.filter((entry): entry is ResolvedKeyOptions => entry !== null).map(stripUndefined);
}

function stripUndefined(entry: ResolvedKeyOptions): ResolvedKeyOptions {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined)) as ResolvedKeyOptions;
}

/**
 * Validates options with class-validator and fills in defaults.
 * @throws PasetoConfigError naming the first field at fault
 */
export function resolveOptions(options: PasetoAuthOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new PasetoConfigError('options', 'expected an options object');
  }
  const schema = Object.assign(new PasetoAuthOptionsSchema(), options);
  const error = firstError(validateSync(schema, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }));
  if (error) throw error;

  const version = options.version ?? DEFAULTS.version;
  // A service verifying with a fetched key set only (no key options) verifies public tokens.
  const fetchedOnly = options.keySetUrl !== undefined && !options.keys && !TOP_LEVEL_KEY_FIELDS.some((field) => options[field] !== undefined);
  const purpose = options.purpose ?? (fetchedOnly ? 'public' : DEFAULTS.purpose);
  let keys: ResolvedKeyOptions[];
  let keyField: (index: number) => string;
  if (options.keys) {
    const topLevel = TOP_LEVEL_KEY_FIELDS.find((field) => options[field] !== undefined);
    if (topLevel) throw new PasetoConfigError(topLevel, 'cannot be combined with keys: put every key in the keys list');
    options.keys.forEach(checkKeyEntry);
    keys = options.keys.map((entry) => stripUndefined({ ...entry, version: entry.version ?? version, purpose: entry.purpose ?? purpose }));
    keyField = (index) => `keys[${index}].`;
  } else if (fetchedOnly) {
    if (purpose !== 'public') throw new PasetoConfigError('purpose', "a key set holds public keys: purpose must be 'public' (or configure secretKey too)");
    keys = [];
    keyField = () => '';
  } else {
    keys = topLevelKeys(options, version, purpose);
    keyField = () => '';
  }

  if (options.cookieSameSite === 'none' && options.cookieSecure === false) {
    // Browsers drop a SameSite=None cookie that is not Secure: the cookies would silently never arrive.
    throw new PasetoConfigError('cookieSameSite', "'none' requires cookieSecure: true (browsers refuse SameSite=None cookies without Secure)");
  }

  // Every option given (undefined meaning "not given") over the defaults, then the few that are normalised.
  const given = Object.fromEntries(Object.entries(options).filter(([name, value]) => value !== undefined && !NOT_IN_CONFIG.has(name))) as ConfigOptions;
  const merged = { ...DEFAULTS, purpose, ...given };
  const config: ResolvedPasetoConfig = Object.freeze({
    ...merged,
    tokenLocation: Object.freeze([...merged.tokenLocation]),
    websocketTokenLocation: Object.freeze([...merged.websocketTokenLocation]),
    decodeIssuer: toList(options.decodeIssuer),
    decodeAudience: toList(options.decodeAudience),
    denylistTokenChecks: Object.freeze([...merged.denylistTokenChecks]),
    // A denylist can only revoke what it can name.
    requireJti: merged.requireJti ?? merged.denylistEnabled,
    statusCodes: Object.freeze({ ...DEFAULT_STATUS_CODES, ...options.statusCodes }),
    csrfMethods: Object.freeze(merged.csrfMethods.map((method) => method.toUpperCase())),
    // Options without a default are present (as undefined) all the same.
    encodeIssuer: merged.encodeIssuer,
    cookieDomain: merged.cookieDomain,
    cookieMaxAge: merged.cookieMaxAge,
  });
  return { config, keys, keyField };
}
