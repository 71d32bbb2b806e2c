import { AuthPasetoError } from '../errors';

/** Where a token value was found, for the `bad_header` message. */
export type TokenSourceKind = 'header' | 'json' | 'query' | 'cookie' | 'auth';

/** Builds the errors of a token lookup with the configured status; `PasetoAuthService.error` fits. */
export type TransportErrorFactory = (code: 'bad_header' | 'invalid_argument', message: string) => AuthPasetoError;

const SOURCE_NOUN: Readonly<Record<TokenSourceKind, (name: string) => string>> = {
  header: (name) => `${name} header`,
  json: (name) => `${name} JSON field`,
  query: (name) => `${name} query param`,
  cookie: (name) => `${name} cookie`,
  auth: (name) => `auth.${name} value`,
};

/** The exact `bad_header` message for a source (DESIGN §3); never contains the value itself. */
export function badHeaderMessage(kind: TokenSourceKind, name: string, prefix: string | null): string {
  const expected = prefix === null ? '<PASETO>' : `${prefix} <PASETO>`;
  return `Bad ${SOURCE_NOUN[kind](name)}. Expected value '${expected}'`;
}

/**
 * Reads a token out of a value found in a request: `undefined` when the value is absent, the
 * token when it has the expected form (`<prefix> <token>`, the prefix matched case-insensitively,
 * or a bare token when `prefix` is null), and a `bad_header` error when it is present but malformed
 * (empty, not a string, wrong prefix, extra parts).
 */
export function readPrefixedToken(
  value: unknown,
  prefix: string | null,
  kind: TokenSourceKind,
  name: string,
  error: TransportErrorFactory,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  const fail = (): never => {
    throw error('bad_header', badHeaderMessage(kind, name, prefix));
  };
  if (typeof value !== 'string') return fail();
  const parts = value.trim().split(/\s+/);
  if (prefix === null) {
    if (parts.length !== 1 || parts[0] === '') return fail();
    return parts[0];
  }
  if (parts.length !== 2 || parts[0].toLowerCase() !== prefix.toLowerCase() || parts[1] === '') return fail();
  return parts[1];
}
