import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Min,
  ValidateBy,
  ValidateIf,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { AUTH_PASETO_ERROR_CODES } from '../errors';
import type { DenylistStore, TokenInDenylistLoader } from '../denylist/store';
import type { KeySetOptions } from '../keys/remote-key-set';
import type {
  CookieSameSite,
  HttpTokenLocation,
  KeyMaterial,
  PasetoAuthOptions,
  PasetoKeyOptions,
  PasetoPurpose,
  PasetoVersion,
  SocketTokenLocation,
} from './options';

export const HTTP_LOCATIONS: readonly HttpTokenLocation[] = ['headers', 'json', 'query', 'cookies'];
export const SOCKET_LOCATIONS: readonly SocketTokenLocation[] = ['auth', 'headers', 'query'];

/** A rule as a class-validator decorator with our own message (or one made from the value). */
function rule(name: string, test: (value: unknown) => boolean, message: string | ((args: ValidationArguments) => string), options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name, validator: { validate: test, defaultMessage: typeof message === 'string' ? () => message : message } }, options);
}

/** A location option given as one string instead of a list says so. */
const expectedLocationList = ({ value }: ValidationArguments): string =>
  typeof value === 'string' ? `expected a list, e.g. ['${value}'], not a string` : 'expected a list';

const expectedLocations = (args: ValidationArguments): string => (Array.isArray(args.value) ? 'expected at least one location' : expectedLocationList(args));

/** Names the entry of `statusCodes` at fault: an unknown code, or a status outside 400-599. */
const statusCodesMessage = ({ value }: ValidationArguments): string => {
  if (typeof value === 'object' && value !== null) {
    for (const [code, status] of Object.entries(value)) {
      if (!(AUTH_PASETO_ERROR_CODES as readonly string[]).includes(code)) return `unknown error code '${code}', expected one of ${AUTH_PASETO_ERROR_CODES.join(', ')}`;
      if (!isStatus(status)) return `${code}: expected an HTTP error status 400-599`;
    }
  }
  return 'expected { <error code>: <HTTP error status 400-599> } with known error codes';
};

const isKeyMaterial = (value: unknown): boolean => (typeof value === 'string' && value.trim() !== '') || value instanceof Uint8Array;
/** Below this, `maxTokenLength` would refuse the tokens the service itself makes. */
export const MIN_TOKEN_LENGTH = 256;
/** A century: past it a lifetime is a mistake, and a date beyond JavaScript's range fails every token. */
export const MAX_LIFETIME_SECONDS = 100 * 365 * 24 * 60 * 60;
const isLifetime = (value: unknown): boolean =>
  value === false || (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_LIFETIME_SECONDS);
const isStringOrList = (value: unknown): boolean =>
  (typeof value === 'string' && value !== '') ||
  (Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string' && entry !== ''));
const isStatus = (status: unknown): boolean => Number.isInteger(status) && (status as number) >= 400 && (status as number) <= 599;
const isStatusCodes = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  Object.entries(value).every(([code, status]) => (AUTH_PASETO_ERROR_CODES as readonly string[]).includes(code) && isStatus(status));
const isDenylistStore = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as DenylistStore).isRevoked === 'function' &&
  typeof (value as DenylistStore).revoke === 'function';
const isKeyList = (value: unknown): boolean => Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'object' && entry !== null);

// RFC 7230 `token`: what a header name, a cookie name (RFC 6265) and a method may be made of.
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const isHttpToken = (value: unknown): boolean => typeof value === 'string' && HTTP_TOKEN.test(value);
// Attribute values end at ';' and may not hold control characters or spaces.
const isCookieAttribute = (value: unknown): boolean => typeof value === 'string' && value !== '' && /^[\x21-\x3a\x3c-\x7e]+$/.test(value);
const isMethodList = (value: unknown): boolean => Array.isArray(value) && value.every(isHttpToken);
const isCookieMaxAge = (value: unknown): boolean => value === null || (Number.isSafeInteger(value) && (value as number) > 0);

const KEY_MATERIAL = 'expected a non-empty string (PASERK, PEM, base64url or hex) or a Uint8Array';
const FILE_PATH = 'expected a non-empty file path';
const COOKIE_NAME = 'expected a cookie name (letters, digits and !#$%&\'*+-.^_`|~)';

/** The validation schema of {@link PasetoAuthOptions}; every property must be listed so unknown ones are refused. */
export class PasetoAuthOptionsSchema implements Required<PasetoAuthOptions> {
  @IsOptional() @IsArray({ message: expectedLocationList }) @ArrayNotEmpty({ message: expectedLocations })
  @IsIn(HTTP_LOCATIONS, { each: true, message: `expected each location to be one of ${HTTP_LOCATIONS.join(', ')}` })
  tokenLocation!: HttpTokenLocation[];

  @IsOptional() @IsArray({ message: expectedLocationList }) @ArrayNotEmpty({ message: expectedLocations })
  @IsIn(SOCKET_LOCATIONS, { each: true, message: `expected each location to be one of ${SOCKET_LOCATIONS.join(', ')}` })
  websocketTokenLocation!: SocketTokenLocation[];

  @IsOptional() @IsIn(['local', 'public'], { message: "expected 'local' or 'public'" })
  purpose!: PasetoPurpose;

  @IsOptional() @IsIn([3, 4], { message: 'expected 3 or 4' })
  version!: PasetoVersion;

  @IsOptional() @rule('keyMaterial', isKeyMaterial, KEY_MATERIAL) secretKey!: KeyMaterial;
  @IsOptional() @IsString({ message: FILE_PATH }) @IsNotEmpty({ message: FILE_PATH }) secretKeyFile!: string;
  @IsOptional() @rule('keyMaterial', isKeyMaterial, KEY_MATERIAL) privateKey!: KeyMaterial;
  @IsOptional() @IsString({ message: FILE_PATH }) @IsNotEmpty({ message: FILE_PATH }) privateKeyFile!: string;
  @IsOptional() @rule('keyMaterial', isKeyMaterial, KEY_MATERIAL) publicKey!: KeyMaterial;
  @IsOptional() @IsString({ message: FILE_PATH }) @IsNotEmpty({ message: FILE_PATH }) publicKeyFile!: string;

  @IsOptional() @rule('keyList', isKeyList, 'expected a non-empty list of key objects')
  keys!: PasetoKeyOptions[];

  // Checked in full (URL, each field) by the key set itself, which names the field at fault.
  @IsOptional() @IsString({ message: 'expected an http(s) URL' }) keySetUrl!: string;
  @IsOptional() @rule('object', (v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'expected an object') keySetOptions!: KeySetOptions;

  @IsOptional() @rule('seconds', (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0, 'expected a number of seconds >= 0')
  decodeLeeway!: number;

  @IsOptional() @IsString({ message: 'expected a string' }) @IsNotEmpty({ message: 'expected a non-empty string' })
  encodeIssuer!: string;

  @IsOptional() @rule('stringOrList', isStringOrList, 'expected a non-empty string or a non-empty list of strings')
  decodeIssuer!: string | string[];

  @IsOptional() @rule('stringOrList', isStringOrList, 'expected a non-empty string or a non-empty list of strings')
  decodeAudience!: string | string[];

  @IsOptional() @IsBoolean({ message: 'expected true or false' }) requireExpiry!: boolean;
  @IsOptional() @IsBoolean({ message: 'expected true or false' }) denylistEnabled!: boolean;
  @IsOptional() @IsBoolean({ message: 'expected true or false' }) requireJti!: boolean;

  @IsOptional() @IsArray({ message: 'expected a list of token types' }) @IsString({ each: true, message: 'expected a list of token types' })
  denylistTokenChecks!: string[];

  @IsOptional() @rule('denylistStore', isDenylistStore, 'expected an object with isRevoked(token) and revoke(jti, expiresAt) methods')
  denylist!: DenylistStore;

  @IsOptional() @rule('function', (v) => typeof v === 'function', 'expected a function (token) => boolean | Promise<boolean>')
  tokenInDenylistLoader!: TokenInDenylistLoader;

  @IsOptional() @rule('headerName', isHttpToken, 'expected a header name (RFC 7230 token characters, no spaces)') headerName!: string;
  // The scheme is echoed in WWW-Authenticate: a space or a line break there would break every response.
  @ValidateIf((o: PasetoAuthOptionsSchema) => o.headerType !== undefined && o.headerType !== null)
  @rule('headerType', isHttpToken, 'expected an authentication scheme such as Bearer (RFC 7230 token characters, no spaces), or null')
  headerType!: string | null;
  @IsOptional() @IsString({ message: 'expected a string' }) @IsNotEmpty({ message: 'expected a non-empty string' }) jsonKey!: string;
  @IsOptional() @IsString({ message: 'expected a string' }) @IsNotEmpty({ message: 'expected a non-empty string' }) jsonRefreshKey!: string;
  @ValidateIf((o: PasetoAuthOptionsSchema) => o.jsonType !== undefined && o.jsonType !== null)
  @IsString({ message: 'expected a string or null' }) @IsNotEmpty({ message: 'expected a non-empty string or null' })
  jsonType!: string | null;
  @IsOptional() @IsString({ message: 'expected a string' }) @IsNotEmpty({ message: 'expected a non-empty string' }) queryKey!: string;
  @IsOptional() @IsString({ message: 'expected a string' }) @IsNotEmpty({ message: 'expected a non-empty string' }) websocketQueryKey!: string;
  @ValidateIf((o: PasetoAuthOptionsSchema) => o.websocketQueryType !== undefined && o.websocketQueryType !== null)
  @IsString({ message: 'expected a string or null' }) @IsNotEmpty({ message: 'expected a non-empty string or null' })
  websocketQueryType!: string | null;

  @IsOptional() @rule('lifetime', isLifetime, `expected a number of seconds > 0 and at most ${MAX_LIFETIME_SECONDS} (a century), or false`) accessTokenExpires!: number | false;
  @IsOptional() @rule('lifetime', isLifetime, `expected a number of seconds > 0 and at most ${MAX_LIFETIME_SECONDS} (a century), or false`) refreshTokenExpires!: number | false;
  @IsOptional() @rule('lifetime', isLifetime, `expected a number of seconds > 0 and at most ${MAX_LIFETIME_SECONDS} (a century), or false`) otherTokenExpires!: number | false;

  @IsOptional() @IsString({ message: 'expected a claim name' }) @IsNotEmpty({ message: 'expected a claim name' }) rolesClaim!: string;

  @IsOptional() @rule('statusCodes', isStatusCodes, statusCodesMessage)
  statusCodes!: Partial<Record<(typeof AUTH_PASETO_ERROR_CODES)[number], number>>;

  @IsOptional() @IsInt({ message: 'expected a whole number >= 0' }) @Min(0, { message: 'expected a whole number >= 0' })
  verifiedTokenCacheSize!: number;

  @IsOptional() @IsInt({ message: `expected a whole number of characters >= ${MIN_TOKEN_LENGTH}` })
  @Min(MIN_TOKEN_LENGTH, { message: `expected a whole number of characters >= ${MIN_TOKEN_LENGTH}` })
  maxTokenLength!: number;

  @IsOptional() @rule('cookieName', isHttpToken, COOKIE_NAME) accessCookieKey!: string;
  @IsOptional() @rule('cookieName', isHttpToken, COOKIE_NAME) refreshCookieKey!: string;
  @IsOptional() @IsBoolean({ message: 'expected true or false' }) cookieCsrfProtect!: boolean;
  @IsOptional() @rule('cookieName', isHttpToken, COOKIE_NAME) accessCsrfCookieKey!: string;
  @IsOptional() @rule('cookieName', isHttpToken, COOKIE_NAME) refreshCsrfCookieKey!: string;
  @IsOptional() @rule('headerName', isHttpToken, 'expected a header name') csrfHeaderName!: string;
  @IsOptional() @rule('methods', isMethodList, "expected a list of HTTP methods, e.g. ['POST', 'DELETE']") csrfMethods!: string[];
  @IsOptional() @IsBoolean({ message: 'expected true or false' }) cookieSecure!: boolean;
  @ValidateIf((o: PasetoAuthOptionsSchema) => o.cookieSameSite !== undefined && o.cookieSameSite !== null)
  @IsIn(['lax', 'strict', 'none'], { message: "expected 'lax', 'strict', 'none' or null" })
  cookieSameSite!: CookieSameSite;
  @IsOptional() @rule('cookieAttribute', isCookieAttribute, 'expected a domain name without spaces or ;') cookieDomain!: string;
  @IsOptional() @rule('cookiePath', (v) => isCookieAttribute(v) && (v as string).startsWith('/'), "expected a path starting with '/', without spaces or ;")
  cookiePath!: string;
  @ValidateIf((o: PasetoAuthOptionsSchema) => o.cookieMaxAge !== undefined)
  @rule('cookieMaxAge', isCookieMaxAge, 'expected a whole number of seconds > 0, or null for session cookies')
  cookieMaxAge!: number | null;
}

/** Fields of a `keys` entry and their rules; checked by hand since entries are plain objects. */
export const KEY_ENTRY_FIELDS: Readonly<Record<keyof PasetoKeyOptions, (value: unknown) => string | null>> = {
  version: (v) => (v === 3 || v === 4 ? null : 'expected 3 or 4'),
  purpose: (v) => (v === 'local' || v === 'public' ? null : "expected 'local' or 'public'"),
  secretKey: (v) => (isKeyMaterial(v) ? null : KEY_MATERIAL),
  privateKey: (v) => (isKeyMaterial(v) ? null : KEY_MATERIAL),
  publicKey: (v) => (isKeyMaterial(v) ? null : KEY_MATERIAL),
  secretKeyFile: (v) => (typeof v === 'string' && v !== '' ? null : FILE_PATH),
  privateKeyFile: (v) => (typeof v === 'string' && v !== '' ? null : FILE_PATH),
  publicKeyFile: (v) => (typeof v === 'string' && v !== '' ? null : FILE_PATH),
};
