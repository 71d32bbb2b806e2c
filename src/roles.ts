import { ErrorMessages, type AuthPasetoError, type AuthPasetoErrorCode } from './errors';
import { withRefusedToken } from './events';
import type { RoleRequirement, VerifiedToken } from './tokens/types';

/** The body of `PasetoAuthService.rolesOf`: the claim `rolesClaim` of a token as a list of roles. */
export function rolesIn(verified: VerifiedToken, rolesClaim: string): string[] {
  const value = verified.claims[rolesClaim];
  if (typeof value === 'string') return value.split(/\s+/).filter((role) => role !== '');
  if (Array.isArray(value)) return value.filter((role): role is string => typeof role === 'string');
  return [];
}

/** What role checks need of the service (its public methods, called at call time). */
export interface RoleContext {
  rolesOf(verified: VerifiedToken): string[];
  error(code: AuthPasetoErrorCode, message: string): AuthPasetoError;
}

/** The body of `PasetoAuthService.checkRoles`. */
export function checkRoles(context: RoleContext, verified: VerifiedToken | null, requirement: RoleRequirement): void {
  const { all = [], any = [] } = requirement;
  if (all.length === 0 && any.length === 0) return;
  if (verified === null) throw context.error('token_missing', ErrorMessages.tokenMissing);
  const roles = new Set(context.rolesOf(verified));
  if (!all.every((role) => roles.has(role)) || (any.length > 0 && !any.some((role) => roles.has(role)))) {
    throw withRefusedToken(context.error('insufficient_role', ErrorMessages.insufficientRole), verified);
  }
}
