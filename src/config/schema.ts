/** The checks of the options table (options.ts): each returns the problem, or `null` when the value is right. */
import { arrayNotEmpty, isArray, isBoolean, isIn, isInt, isNotEmpty, isString, min } from 'class-validator';
import { isClock } from '../clock';
import { DEFAULT_STATUS_CODES } from '../errors';
import type { HttpTokenLocation, PasetoKeyOptions, SocketTokenLocation } from './types';

export const HTTP_LOCATIONS: readonly HttpTokenLocation[] = ['headers', 'json', 'query', 'cookies'];
export const SOCKET_LOCATIONS: readonly SocketTokenLocation[] = ['auth', 'headers', 'query'];
/** Below this, `maxTokenLength` would refuse the tokens the service itself makes. */
export const MIN_TOKEN_LENGTH = 256;
/** A century: past it a lifetime is a mistake, and a date beyond JavaScript's range fails every token. */
export const MAX_LIFETIME_SECONDS = 100 * 365 * 24 * 60 * 60;

/** A check of one option's value: the problem, or `null`. */
export type Check = (value: unknown) => string | null;

const when = (ok: boolean, message: string): string | null => (ok ? null : message);
const ERROR_CODES = Object.keys(DEFAULT_STATUS_CODES);

export const KEY_MATERIAL = 'expected a non-empty string (PASERK, PEM, base64url or hex) or a Uint8Array';
const FILE_PATH = 'expected a non-empty file path';
const COOKIE_NAME = 'expected a cookie name (letters, digits and !#$%&\'*+-.^_`|~)';
const LIFETIME = `expected a number of seconds > 0 and at most ${MAX_LIFETIME_SECONDS} (a century), or false`;
const STRING_OR_LIST = 'expected a non-empty string or a non-empty list of strings';

// RFC 7230 `token`: what a header name, a cookie name (RFC 6265) and a method may be made of.
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const isHttpToken = (value: unknown): boolean => typeof value === 'string' && HTTP_TOKEN.test(value);
// Attribute values end at ';' and may not hold control characters or spaces.
const isCookieAttribute = (value: unknown): boolean => typeof value === 'string' && value !== '' && /^[\x21-\x3a\x3c-\x7e]+$/.test(value);
const isStatus = (status: unknown): boolean => isInt(status) && (status as number) >= 400 && (status as number) <= 599;
const isKeyMaterial = (value: unknown): boolean => (typeof value === 'string' && value.trim() !== '') || value instanceof Uint8Array;

/** A list of locations out of `allowed`; a single string says how to write the list. */
export const locations =
  (allowed: readonly string[]): Check =>
  (value) => {
    if (!isArray(value)) return typeof value === 'string' ? `expected a list, e.g. ['${value}'], not a string` : 'expected a list';
    if (!arrayNotEmpty(value)) return 'expected at least one location';
    return when(value.every((entry) => isIn(entry, allowed as unknown[])), `expected each location to be one of ${allowed.join(', ')}`);
  };

export const oneOf =
  (allowed: readonly unknown[], message: string): Check =>
  (value) =>
    when(isIn(value, allowed), message);
export const boolean: Check = (value) => when(isBoolean(value), 'expected true or false');
export const nonEmptyString =
  (message = 'expected a non-empty string'): Check =>
  (value) =>
    when(isString(value) && isNotEmpty(value), isString(value) ? message : message.replace('a non-empty', 'a'));
export const keyMaterial: Check = (value) => when(isKeyMaterial(value), KEY_MATERIAL);
export const filePath: Check = (value) => when(isString(value) && value !== '', FILE_PATH);
export const keyList: Check = (value) =>
  when(Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'object' && entry !== null), 'expected a non-empty list of key objects');
// The key set checks its URL and options in full, naming the field at fault (keys/remote-key-set.ts).
export const keySetUrl: Check = (value) => when(isString(value), 'expected an http(s) URL');
export const plainObject: Check = (value) => when(typeof value === 'object' && value !== null && !Array.isArray(value), 'expected an object');
export const seconds: Check = (value) => when(typeof value === 'number' && Number.isFinite(value) && value >= 0, 'expected a number of seconds >= 0');
export const stringOrList: Check = (value) =>
  when(
    (typeof value === 'string' && value !== '') || (Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string' && entry !== '')),
    STRING_OR_LIST,
  );
export const tokenTypes: Check = (value) => when(isArray(value) && value.every((entry) => isString(entry)), 'expected a list of token types');
export const denylistStore: Check = (value) =>
  when(
    typeof value === 'object' &&
      value !== null &&
      typeof (value as { isRevoked?: unknown }).isRevoked === 'function' &&
      typeof (value as { revoke?: unknown }).revoke === 'function',
    'expected an object with isRevoked(token) and revoke(jti, expiresAt) methods',
  );
export const clock: Check = (value) => when(isClock(value), 'expected a clock: an object with now() (milliseconds) and optionally schedule(callback, delayMs)');
export const loader: Check = (value) => when(typeof value === 'function', 'expected a function (token) => boolean | Promise<boolean>');
export const headerName =
  (message = 'expected a header name (RFC 7230 token characters, no spaces)'): Check =>
  (value) =>
    when(isHttpToken(value), message);
/** A scheme echoed in WWW-Authenticate: a space or a line break there would break every response. */
export const headerType: Check = (value) =>
  when(value === null || isHttpToken(value), 'expected an authentication scheme such as Bearer (RFC 7230 token characters, no spaces), or null');
export const prefixOrNull: Check = (value) =>
  value === null ? null : isString(value) ? when(isNotEmpty(value), 'expected a non-empty string or null') : 'expected a string or null';
export const lifetime: Check = (value) =>
  when(value === false || (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_LIFETIME_SECONDS), LIFETIME);
export const claimName: Check = (value) => when(isString(value) && isNotEmpty(value), 'expected a claim name');
/** Names the entry at fault: an unknown code, or a status outside 400-599. */
export const statusCodes: Check = (value) => {
  if (typeof value !== 'object' || value === null) return 'expected { <error code>: <HTTP error status 400-599> } with known error codes';
  for (const [code, status] of Object.entries(value)) {
    if (!ERROR_CODES.includes(code)) return `unknown error code '${code}', expected one of ${ERROR_CODES.join(', ')}`;
    if (!isStatus(status)) return `${code}: expected an HTTP error status 400-599`;
  }
  return null;
};
export const wholeNumber =
  (least: number, message: string): Check =>
  (value) =>
    when(isInt(value) && min(value, least), message);
export const cookieName: Check = (value) => when(isHttpToken(value), COOKIE_NAME);
export const methods: Check = (value) => when(Array.isArray(value) && value.every(isHttpToken), "expected a list of HTTP methods, e.g. ['POST', 'DELETE']");
export const sameSite: Check = (value) => when(value === null || isIn(value, ['lax', 'strict', 'none']), "expected 'lax', 'strict', 'none' or null");
export const cookieDomain: Check = (value) => when(isCookieAttribute(value), 'expected a domain name without spaces or ;');
export const cookiePath: Check = (value) => when(isCookieAttribute(value) && (value as string).startsWith('/'), "expected a path starting with '/', without spaces or ;");
export const cookieMaxAge: Check = (value) =>
  when(value === null || (Number.isSafeInteger(value) && (value as number) > 0), 'expected a whole number of seconds > 0, or null for session cookies');

/** Fields of a `keys` entry and their checks. */
export const KEY_ENTRY_FIELDS: Readonly<Record<keyof PasetoKeyOptions, Check>> = {
  version: oneOf([3, 4], 'expected 3 or 4'),
  purpose: oneOf(['local', 'public'], "expected 'local' or 'public'"),
  secretKey: keyMaterial,
  privateKey: keyMaterial,
  publicKey: keyMaterial,
  secretKeyFile: filePath,
  privateKeyFile: filePath,
  publicKeyFile: filePath,
};
