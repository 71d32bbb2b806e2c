import 'reflect-metadata';
import { createSecretKey } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { expressjwt } from 'express-jwt';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import { Authorized, Get, JsonController, UseBefore, useExpressServer } from 'routing-controllers';
import { RedisDenylist } from '../src/denylist/redis';
import { pasetoAuthorizationChecker } from '../src/http/checkers';
import { pasetoErrorHandler } from '../src/http/error-handler';
import { generateKeys } from '../src/keys/generate';
import type { PasetoAuthOptions } from '../src/config/options';
import { PasetoAuthService } from '../src/service';

/**
 * The benchmark's HTTP servers, in a process of their own so the load generator does not share
 * their event loop. One express 4 + routing-controllers app per configuration, each on its own
 * port; only one is under load at a time. Every app answers with the same handler, and every
 * app registers `pasetoErrorHandler()` after routing-controllers, as the README advises.
 * Talks to the parent over IPC: sends `ready` with ports and tokens, answers `stats` with the
 * connections each app has accepted.
 */

const ok = (): { ok: boolean } => ({ ok: true });

@JsonController()
class OpenController {
  @Get('/open')
  open(): { ok: boolean } {
    return ok();
  }
}

@JsonController()
class GuardedController {
  @Authorized()
  @Get('/secure')
  secure(): { ok: boolean } {
    return ok();
  }
}

/** express-jwt as its README configures it: a string secret. */
const README_SECRET = 'shhhhhhared-secret';
const JWT_KEY = createSecretKey(Buffer.from(README_SECRET));

@JsonController()
class JwtStringController {
  @UseBefore(expressjwt({ secret: README_SECRET, algorithms: ['HS256'] }))
  @Get('/secure')
  secure(): { ok: boolean } {
    return ok();
  }
}

@JsonController()
class JwtKeyObjectController {
  @UseBefore(expressjwt({ secret: JWT_KEY, algorithms: ['HS256'] }))
  @Get('/secure')
  secure(): { ok: boolean } {
    return ok();
  }
}

/** Distinct users (tokens) of the many-user rows. */
const USERS = 10_000;
const LOCAL_KEY = `k4.local.${Buffer.alloc(32, 9).toString('base64url')}`;
const FORGING_KEY = `k4.local.${Buffer.alloc(32, 7).toString('base64url')}`;
const PUBLIC_KEYS = generateKeys({ version: 4, purpose: 'public' });

type Guard = { kind: 'trivial' } | { kind: 'paseto'; options: PasetoAuthOptions } | { kind: 'controller'; controller: new () => unknown };

const redisPort = Number(process.env.BENCH_REDIS_PORT ?? 0);
const redis = redisPort > 0 ? new Redis({ port: redisPort, host: '127.0.0.1' }) : undefined;
/** The replicated store: a local mirror kept by pub/sub, so a request costs no Redis round trip. */
const denylist = redis ? new RedisDenylist({ client: redis }) : undefined;

const guards: Record<string, Guard> = {
  // 'local' serves the no-auth baseline (/open), the default rows and the 401 floods.
  trivial: { kind: 'trivial' },
  local: { kind: 'paseto', options: { secretKey: LOCAL_KEY } },
  'local-20k': { kind: 'paseto', options: { secretKey: LOCAL_KEY, verifiedTokenCacheSize: 20_000 } },
  'local-uncached': { kind: 'paseto', options: { secretKey: LOCAL_KEY, verifiedTokenCacheSize: 0 } },
  public: { kind: 'paseto', options: { purpose: 'public', privateKey: PUBLIC_KEYS.privateKey } },
  'public-uncached': { kind: 'paseto', options: { purpose: 'public', privateKey: PUBLIC_KEYS.privateKey, verifiedTokenCacheSize: 0 } },
  'jwt-string': { kind: 'controller', controller: JwtStringController },
  'jwt-keyobject': { kind: 'controller', controller: JwtKeyObjectController },
  ...(denylist ? { redis: { kind: 'paseto', options: { secretKey: LOCAL_KEY, denylistEnabled: true, denylist } } } : {}),
};

const connections: Record<string, number> = {};

function listen(name: string, guard: Guard): Promise<number> {
  const app = express();
  const service = guard.kind === 'paseto' ? new PasetoAuthService(guard.options) : undefined;
  useExpressServer(app, {
    controllers: [OpenController, guard.kind === 'controller' ? guard.controller : GuardedController] as Array<new () => unknown>,
    authorizationChecker: service ? pasetoAuthorizationChecker(service) : async () => true,
    development: false,
  });
  app.use(pasetoErrorHandler({ auth: service }));
  connections[name] = 0;
  return new Promise((resolve) => {
    const server: Server = app.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
    server.on('connection', () => (connections[name] += 1));
  });
}

/** A well-formed v4.local token that fails authentication here: sealed with another key. */
async function forged(count: number, payloadBytes = 0): Promise<string[]> {
  const forger = new PasetoAuthService({ secretKey: FORGING_KEY });
  const padding = payloadBytes > 0 ? { padding: 'x'.repeat(payloadBytes) } : {};
  return Promise.all(Array.from({ length: count }, (_, user) => forger.createAccessToken({ subject: `user-${user}`, expiresIn: 3600, userClaims: padding })));
}

async function main(): Promise<void> {
  await denylist?.ready();
  const ports: Record<string, number> = {};
  for (const [name, guard] of Object.entries(guards)) ports[name] = await listen(name, guard);
  const localIssuer = new PasetoAuthService({ secretKey: LOCAL_KEY });
  const publicIssuer = new PasetoAuthService({ purpose: 'public', privateKey: PUBLIC_KEYS.privateKey });
  const tokens = {
    local: await Promise.all(Array.from({ length: USERS }, (_, user) => localIssuer.createAccessToken({ subject: `user-${user}`, expiresIn: 3600 }))),
    public: await Promise.all(Array.from({ length: 1000 }, (_, user) => publicIssuer.createAccessToken({ subject: `user-${user}`, expiresIn: 3600 }))),
    jwt: [jwt.sign({ sub: 'user-0' }, README_SECRET, { algorithm: 'HS256', expiresIn: 3600 })],
    forged: await forged(1000),
    // The largest token a request header holds under node's default 16 KiB header limit.
    oversize: await forged(1, 11_500),
  };
  process.send?.({ type: 'ready', ports, tokens });
}

process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') process.send?.({ type: 'stats', connections });
});
process.on('disconnect', () => process.exit(0));
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
