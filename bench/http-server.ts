import 'reflect-metadata';
import express from 'express';
import { Authorized, Get, JsonController, useExpressServer } from 'routing-controllers';
import { PasetoAuthService } from '../src/service';
import { pasetoAuthorizationChecker } from '../src/http/checkers';

/**
 * The benchmark's server, in a process of its own so the load generator does not share its
 * event loop: the same handler with and without `@Authorized()`.
 */
@JsonController()
class BenchController {
  @Get('/open')
  open(): { ok: boolean } {
    return { ok: true };
  }

  @Authorized()
  @Get('/secure')
  secure(): { ok: boolean } {
    return { ok: true };
  }
}

/** Distinct users (tokens) the benchmark sends. */
const USERS = 1000;
/** `paseto` (default), `paseto-no-cache` (verification on every request) or `trivial` (a checker that always says yes). */
const mode = process.env.BENCH_MODE ?? 'paseto';
const auth = new PasetoAuthService({
  secretKey: `k4.local.${Buffer.alloc(32, 9).toString('base64url')}`,
  verifiedTokenCacheSize: mode === 'paseto-no-cache' ? 0 : 1000,
});
const app = express();
useExpressServer(app, {
  controllers: [BenchController],
  authorizationChecker: mode === 'trivial' ? async () => true : pasetoAuthorizationChecker(auth),
  development: false,
});
async function announce(): Promise<void> {
  const address = server.address();
  // One token per simulated user: the load generator cycles through them.
  const tokens = await Promise.all(Array.from({ length: USERS }, (_, user) => auth.createAccessToken({ subject: `user-${user}`, expiresIn: 3600 })));
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, tokens })}\n`);
}
const server = app.listen(0, '127.0.0.1', () => {
  announce().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
