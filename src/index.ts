// Decorators below (typedi, socket-controllers) need the Reflect metadata API when this loads.
import 'reflect-metadata';
export { PasetoAuthService, PASETO_CONFIG, type RevocationListener } from './service';
export { configurePaseto } from './configure';
export type { PasetoClock } from './clock';
export type { AuthFailureEvent, AuthFailureListener } from './events';
export type { PasetoAuthSource } from './service-source';
export {
  AuthPasetoError,
  PasetoConfigError,
  ErrorMessages,
  DEFAULT_STATUS_CODES,
  isAuthPasetoError,
  type AuthPasetoErrorCode,
  type AuthPasetoErrorBody,
} from './errors';
export type {
  PasetoAuthOptions,
  PasetoKeyOptions,
  ResolvedPasetoConfig,
  PasetoVersion,
  PasetoPurpose,
  HttpTokenLocation,
  SocketTokenLocation,
  KeyMaterial,
} from './config/options';
export { DEFAULTS } from './config/resolve';
export type {
  VerifiedToken,
  VerifyTokenOptions,
  AuthenticateOptions,
  RoleRequirement,
  CreateAccessTokenOptions,
  CreateTokenPairOptions,
  TokenPair,
  CreateRefreshTokenOptions,
  CreateCustomTokenOptions,
  CreateTokenBaseOptions,
  Footer,
  FooterInput,
} from './tokens/types';
export type { DenylistStore, SessionDenylistStore, Revocation, RevocableToken, TokenInDenylistLoader } from './denylist/store';
export { MemoryDenylist, DenylistFullError, type MemoryDenylistOptions } from './denylist/memory';
export { generateKeys, type GenerateKeysOptions, type GeneratedKeys } from './keys/generate';
export { KeySetError, PASETO_KEY_SET_PATH, MAX_KEY_SET_KEYS, type PasetoKeySet } from './keys/key-set';
export { MAX_KEY_SET_BYTES, type KeySetOptions } from './keys/remote-key-set';
export {
  RedisDenylist,
  RedisDenylistError,
  type RedisDenylistClient,
  type RedisDenylistSubscriber,
  type RedisDenylistOptions,
} from './denylist/redis';
export {
  pasetoSocketMiddleware,
  authenticateSocket,
  getSocketAuth,
  getSocketUser,
  SocketAuthError,
  SOCKET_AUTH_DATA_KEY,
  SOCKET_INTERNAL_ERROR_CODE,
  SOCKET_INTERNAL_ERROR_MESSAGE,
  SOCKET_ORIGIN_NOT_ALLOWED_MESSAGE,
  type PasetoSocketMiddlewareOptions,
  type PasetoSocketMiddlewareFunction,
  type PasetoSocketLike,
  type SocketAuthErrorData,
  type SocketAuthRecord,
  type SocketUserLoader,
  type SocketExplicitToken,
} from './socket/middleware';
export {
  PasetoSocketMiddleware,
  createPasetoSocketMiddleware,
  type PasetoSocketControllersMiddlewareOptions,
  type PasetoSocketControllersMiddleware,
  type PasetoSocketControllersMiddlewareClass,
  type SocketControllersNamespace,
} from './socket/socket-controllers';
export { checkSocketControllersCoverage, type SocketControllersCoverageOptions } from './socket/coverage';
export type { SocketHandshakeLike, SocketTokenLookupOptions } from './transport/socket';
export { PasetoRequired, FreshTokenRequired, RefreshTokenRequired, PasetoOptional, Auth, type PasetoRouteDecorator } from './http/decorators';
export { pasetoRequirement, type PasetoRequirement, type PasetoRequirementOptions } from './http/requirement';
export {
  pasetoAuthorizationChecker,
  pasetoCurrentUserChecker,
  type PasetoCheckerOptions,
  type PasetoCurrentUserCheckerOptions,
  type PasetoUserLoader,
  type PasetoAuthorizationChecker,
  type PasetoCurrentUserChecker,
} from './http/checkers';
export { AuthPaseto, type PasetoRequiredCallOptions } from './http/auth-handle';
export { withPaseto, type WithPasetoOptions } from './http/with-paseto';
export { Public, type PasetoPublicDecorator } from './http/public';
export { withPasetoSecurity, type OpenApiDocumentLike, type PasetoOpenApiOptions } from './http/openapi';
export {
  pasetoErrorHandler,
  pasetoErrorOverridingMap,
  type PasetoErrorHandlerOptions,
  type PasetoErrorRequestHandler,
  type HttpResponseLike,
} from './http/error-handler';
export { RequestBodyError, type HttpTokenLookupOptions, type HttpRequestLike } from './transport/http';
export {
  setAccessCookies,
  setRefreshCookies,
  unsetAccessCookies,
  unsetRefreshCookies,
  unsetAuthCookies,
  type CookieResponseLike,
  type SetAuthCookiesOptions,
  type UnsetAuthCookiesOptions,
} from './http/cookies';
export type { CookieSameSite } from './config/options';
export {
  SOCKET_SESSION_ENDED_EVENT,
  type SocketLiveSessionOptions,
  type SocketSessionEndedData,
  type SocketSessionEndCode,
} from './socket/live-session';
// Live sockets: re-authentication in band, session warnings, per-event guards.
export {
  SOCKET_REAUTH_EVENT,
  SOCKET_EXPIRING_EVENT,
  SOCKET_EVENT_REFUSED_EVENT,
  type SocketReauthResult,
  type SocketExpiringData,
  type SocketEventRefusedData,
  type SocketEventRefusedAck,
  type SocketRefusal,
} from './socket/names';
export type { SocketEventRule, SocketEventRules } from './socket/events';
export { SocketAuthorized } from './socket/socket-controllers';
export { keepSocketAuthenticated, type KeepSocketAuthenticatedOptions, type ReauthenticatingSocket } from './socket/client';
