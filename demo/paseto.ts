// TEMPORARY: the HTTP and Socket.IO adapters are not exported from src/index.ts yet. Once they are,
// the demo imports everything from '../src' and this file goes.
export * from '../src';
export { pasetoAuthorizationChecker, pasetoCurrentUserChecker } from '../src/http/checkers';
export { Auth, FreshTokenRequired, RefreshTokenRequired, PasetoRequired, PasetoOptional } from '../src/http/decorators';
export { AuthPaseto } from '../src/http/auth-handle';
export { pasetoSocketMiddleware, getSocketAuth, getSocketUser } from '../src/socket/middleware';
export { createPasetoSocketMiddleware, PasetoSocketMiddleware } from '../src/socket/socket-controllers';
