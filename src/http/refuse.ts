import { withRefusedToken } from '../events';
import type { PasetoAuthService } from '../service';
import type { VerifiedToken } from '../tokens/types';
import type { HttpRequestLike } from '../transport/http';
import { setAuthErrorHeaders } from './error-handler';

/**
 * Every refusal of a request by the checkers and `@Auth()` handles goes through here: the
 * `WWW-Authenticate` header on the response, and the service's failure listeners told.
 * @param token - the token that verified before this refusal, if any (for the listeners)
 * @returns `error`, for the caller to throw
 */
export function refuseRequest(service: PasetoAuthService, request: HttpRequestLike, response: unknown, error: unknown, token?: VerifiedToken | null): unknown {
  withRefusedToken(error, token);
  setAuthErrorHeaders(response, error, service);
  service.reportFailure(error, { transport: 'http', ip: clientIp(request) });
  return error;
}

/** express' `req.ip` (which honours `trust proxy`), else the connection's address. */
function clientIp(request: HttpRequestLike): string | undefined {
  const { ip, socket } = request as { ip?: unknown; socket?: { remoteAddress?: unknown } | null };
  if (typeof ip === 'string' && ip !== '') return ip;
  const address = socket?.remoteAddress;
  return typeof address === 'string' && address !== '' ? address : undefined;
}
