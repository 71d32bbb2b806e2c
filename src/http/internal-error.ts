/** The body of every 500 the HTTP adapter answers itself: nothing about the cause reaches the client. */
export const INTERNAL_ERROR_BODY: Readonly<{ name: 'InternalServerError'; message: 'Internal server error' }> = Object.freeze({
  name: 'InternalServerError',
  message: 'Internal server error',
});

/**
 * What a client is told when the server failed: status 500 and {@link INTERNAL_ERROR_BODY}. Its
 * `stack` is its message alone, so even routing-controllers' `development: true` renders no detail.
 */
export class InternalServerError extends Error {
  /** The status routing-controllers and our error handler send. */
  readonly httpCode = 500;

  constructor() {
    super(INTERNAL_ERROR_BODY.message);
    this.name = INTERNAL_ERROR_BODY.name;
    this.stack = `${this.name}: ${this.message}`;
  }

  /** The body routing-controllers and our error handler send. */
  toJSON(): { name: string; message: string } {
    return { ...INTERNAL_ERROR_BODY };
  }
}
