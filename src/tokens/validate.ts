/**
 * The claims of an opened token checked against what the service and the caller require, in the
 * manner of jose's `jwt_claims_set`: pure functions of the claims, the requirement and the time
 * (passed in), throwing a {@link TokenFailure} with the code of the first failed check.
 */
import { ErrorMessages } from '../errors';
import { audienceMatches, deepFreeze, isSessionId, parseTime } from './claims';
import { TokenFailure } from './failure';

/** What every token must satisfy (from the configuration), plus what a caller may ask for. */
export interface ClaimsRequirement {
  /** Clock skew accepted on `exp` and `nbf`, in milliseconds. */
  readonly leewayMs: number;
  /** Accepted `iss` values; `undefined` accepts any (or none). */
  readonly issuer?: readonly string[] | undefined;
  /** Accepted `aud` values; `undefined` refuses a token that names an audience. */
  readonly audience?: readonly string[] | undefined;
  /** Refuse a token without `exp`. */
  readonly requireExpiry: boolean;
  /** Refuse a token without a non-empty string `jti`. */
  readonly requireJti: boolean;
  /** Type and freshness, checked last (see {@link checkTokenType}); omitted: not checked. */
  readonly token?: TypeRequirement | undefined;
}

/** The caller's part: which token type, and whether it must be fresh. */
export interface TypeRequirement {
  /** Required `type` claim. Default `'access'` (or `'refresh'` with `refreshToken`). */
  readonly type?: string | undefined;
  readonly fresh?: boolean | undefined;
  readonly refreshToken?: boolean | undefined;
}

/** Claims that passed validation, typed. */
export interface ValidatedClaims {
  /** Every claim, frozen all the way down. */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly subject: string | number;
  readonly jti: string | null;
  /** The `type` claim, `'None'` when absent. */
  readonly type: string;
  readonly fresh: boolean;
  /** `exp` / `nbf` in milliseconds, `undefined` when absent. */
  readonly expiresAt: number | undefined;
  readonly notBefore: number | undefined;
  /** The `sid` claim; `null` when absent. */
  readonly sessionId: string | null;
  /** `iat` in milliseconds; `null` when absent or malformed (a subject revocation then refuses the token). */
  readonly issuedAtMs: number | null;
}

function invalid(message: string = ErrorMessages.invalidFormat): TokenFailure {
  return new TokenFailure('invalid_token', message);
}

/**
 * Checks the claims (already parsed JSON) of an opened token at time `now` (milliseconds):
 * structure, `exp` / `nbf` with leeway, `sub`, `jti`, `iss`, `aud`, then type and freshness when
 * `requirement.token` is given.
 * @throws TokenFailure with the code of the first failed check
 */
export function validateClaims(claims: unknown, requirement: ClaimsRequirement, now: number): ValidatedClaims {
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw invalid();
  const record = claims as Record<string, unknown>;
  const expiresAt = parseTime(record.exp);
  const notBefore = parseTime(record.nbf);
  if (Number.isNaN(expiresAt) || Number.isNaN(notBefore)) throw invalid();
  if (expiresAt === undefined && requirement.requireExpiry) throw invalid(ErrorMessages.expiryMissing);
  const subject = record.sub;
  if (!(typeof subject === 'string' && subject !== '') && !(typeof subject === 'number' && Number.isSafeInteger(subject))) {
    throw invalid(ErrorMessages.subjectMissing);
  }
  const jti = typeof record.jti === 'string' && record.jti !== '' ? record.jti : null;
  if (jti === null && requirement.requireJti) throw invalid(ErrorMessages.jtiMissing);
  // A sid that is not a session id could never be revoked with its session: refuse the token.
  if (record.sid !== undefined && !isSessionId(record.sid)) throw invalid();
  const issuedAt = parseTime(record.iat);
  checkIssuer(record.iss, requirement.issuer);
  checkAudience(record.aud, requirement.audience);
  checkTimes(expiresAt, notBefore, now, requirement.leewayMs);
  const validated: ValidatedClaims = {
    claims: deepFreeze(record),
    subject,
    jti,
    type: typeof record.type === 'string' ? record.type : 'None',
    fresh: record.fresh === true,
    expiresAt,
    notBefore,
    sessionId: record.sid === undefined ? null : record.sid,
    issuedAtMs: issuedAt === undefined || Number.isNaN(issuedAt) ? null : issuedAt,
  };
  if (requirement.token !== undefined) checkTokenType(validated, requirement.token);
  return validated;
}

/** `exp` and `nbf` (milliseconds, `undefined` when absent) against `now`, with leeway. */
export function checkTimes(expiresAt: number | undefined, notBefore: number | undefined, now: number, leewayMs: number): void {
  if (expiresAt !== undefined && now > expiresAt + leewayMs) throw new TokenFailure('token_expired', ErrorMessages.expired);
  if (notBefore !== undefined && now + leewayMs < notBefore) throw new TokenFailure('token_not_active', ErrorMessages.notActive);
}

function checkIssuer(iss: unknown, accepted: readonly string[] | undefined): void {
  if (accepted === undefined) return;
  if (iss === undefined) throw new TokenFailure('invalid_issuer', ErrorMessages.issuerMissing);
  if (typeof iss !== 'string' || !accepted.includes(iss)) throw new TokenFailure('invalid_issuer', ErrorMessages.issuerInvalid);
}

/** A token naming an audience is only for services that name theirs (as JWT's `aud` rule). */
function checkAudience(aud: unknown, accepted: readonly string[] | undefined): void {
  const ok = accepted === undefined ? aud === undefined : audienceMatches(aud, accepted);
  if (!ok) throw new TokenFailure('invalid_audience', ErrorMessages.audienceInvalid);
}

/** `fresh` and `refreshToken` together ask for two different tokens: the caller's mistake. */
export function checkTypeRequirement(requirement: TypeRequirement): void {
  if (requirement.fresh && requirement.refreshToken) throw new TokenFailure('invalid_argument', ErrorMessages.freshAndRefresh);
}

/** The caller's type and freshness requirement (checked after the denylist by the service). */
export function checkTokenType(token: Pick<ValidatedClaims, 'claims' | 'type' | 'fresh'>, requirement: TypeRequirement): void {
  // A token without a type claim (made elsewhere) reads "... but none provided".
  const actual = typeof token.claims.type === 'string' ? token.type : 'none';
  if (requirement.refreshToken) {
    if (actual !== 'refresh') throw new TokenFailure('wrong_token_type', `Refresh token required but ${actual} provided`);
    return;
  }
  const expected = requirement.type ?? 'access';
  if (actual !== expected) {
    const message = expected === 'access' ? `Access token required but ${actual} provided` : `${expected} token required but ${actual} provided`;
    throw new TokenFailure('wrong_token_type', message);
  }
  if (requirement.fresh && !token.fresh) throw new TokenFailure('fresh_token_required', ErrorMessages.notFresh);
}
