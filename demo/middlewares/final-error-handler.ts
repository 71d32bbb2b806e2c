import type { NextFunction, Request, Response } from 'express';
import { Middleware, type ExpressErrorMiddlewareInterface } from 'routing-controllers';
import { Service } from 'typedi';

/**
 * The last error handler, registered by routing-controllers after the controllers.
 *
 * routing-controllers sends its error response and then calls `next(error)`; express's own
 * handler would then log the stack of every 401 and close the keep-alive connection. Here an error
 * whose response is already sent is done with; a body-parser error (malformed JSON, oversized
 * body, raised by `express.json()` before any route) gets a JSON answer; anything else a plain 500.
 * Listing it in `middlewares` also keeps routing-controllers from registering every `@Middleware`
 * class in the process, which it does when the list is omitted.
 */
@Service()
@Middleware({ type: 'after' })
export class FinalErrorHandler implements ExpressErrorMiddlewareInterface {
  error(error: unknown, _request: Request, response: Response, _next: NextFunction): void {
    if (response.headersSent) return;
    const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message = type === 'entity.parse.failed' ? 'Request body is not valid JSON' : type === 'entity.too.large' ? 'Request body is too large' : 'Bad request';
      response.status(status).json({ name: 'BadRequestError', message });
      return;
    }
    console.error(error);
    response.status(500).json({ name: 'InternalServerError', message: 'Internal server error' });
  }
}
