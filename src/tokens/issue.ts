/** A new token from the caller's options, the signing key and the configuration: claims, footer, cryptography. */
import type { ResolvedPasetoConfig } from '../config/options';
import type { PasetoKey } from '../keys/key-ring';
import { buildClaims, checkClaimsInput, expiryOf, issuesCsrfClaim } from './claims';
import { assertionBytes, encodeFooter } from './footer';
import { encodeToken } from './protocol';
import type { CreateTokenBaseOptions } from './types';

const encoder = new TextEncoder();

type IssueConfig = Pick<
  ResolvedPasetoConfig,
  'accessTokenExpires' | 'refreshTokenExpires' | 'otherTokenExpires' | 'encodeIssuer' | 'cookieCsrfProtect' | 'tokenLocation'
>;

/** What makes one token besides the caller's options. */
export interface IssueContext {
  readonly key: PasetoKey;
  readonly config: IssueConfig;
  /** Milliseconds since the epoch (the service's clock). */
  readonly now: number;
  /** Put the key's PASERK id in the footer (key rings). */
  readonly withKid: boolean;
}

/**
 * Encodes a token of `type` (`fresh` only for access tokens, else `undefined`).
 * @throws TypeError for options that are a programming mistake (subject, lifetime, reserved claims, ...)
 */
export function issueToken(type: string, options: CreateTokenBaseOptions, fresh: boolean | undefined, context: IssueContext): string {
  const { key, config, now } = context;
  const lifetime = type === 'access' ? config.accessTokenExpires : type === 'refresh' ? config.refreshTokenExpires : config.otherTokenExpires;
  const input = {
    subject: options.subject,
    type,
    fresh,
    now,
    expiresAt: expiryOf(options.expiresIn, now, lifetime),
    issuer: options.issuer ?? config.encodeIssuer,
    audience: options.audience,
    userClaims: options.userClaims,
    csrf: issuesCsrfClaim(config),
    sessionId: options.sessionId,
  };
  checkClaimsInput(input);
  const payload = encoder.encode(JSON.stringify(buildClaims(input)));
  const footer = encodeFooter(options.footer, context.withKid ? key.kid : undefined);
  const token = encodeToken(key, payload, footer, assertionBytes(options.implicitAssertion));
  return options.base64Encode ? Buffer.from(token, 'utf8').toString('base64') : token;
}
