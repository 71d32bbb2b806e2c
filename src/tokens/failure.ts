import type { AuthPasetoErrorCode } from '../errors';

/**
 * A token check that failed, with its stable code and message but no HTTP status: the service
 * turns it into an `AuthPasetoError` with the status configured for the code (`statusCodes`), in
 * one place. Internal: never reaches a caller of the public API.
 */
export class TokenFailure extends Error {
  constructor(
    readonly code: AuthPasetoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TokenFailure';
  }
}
