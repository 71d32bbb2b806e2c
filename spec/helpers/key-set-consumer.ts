/**
 * A verify-only service, run as a child process: `new PasetoAuthService({ keySetUrl })` (argv[2])
 * behind routing-controllers, GET /me guarded by @Authorized(), on 127.0.0.1. Its clock is the
 * system clock plus an offset the parent moves over IPC, to pass rate limits and key set ages
 * without waiting.
 */
import 'reflect-metadata';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { Authorized, Get, JsonController, useExpressServer } from 'routing-controllers';
// Only what it uses, not the package index: a quicker start.
import { AuthPaseto } from '../../src/http/auth-handle';
import { pasetoAuthorizationChecker } from '../../src/http/checkers';
import { Auth } from '../../src/http/decorators';
import { pasetoErrorHandler } from '../../src/http/error-handler';
import { KeySetError } from '../../src/keys/key-set';
import { PasetoAuthService } from '../../src/service';
import { serveRequests } from './key-set-node';

let clockOffsetMs = 0;
const realNow = Date.now.bind(Date);
Date.now = () => realNow() + clockOffsetMs;

/** Every failed or refused fetch, as its message. */
const fetchErrors: string[] = [];
const MIN_REFETCH_INTERVAL_MS = 60_000;
const MAX_AGE_MS = 600_000;
const auth = new PasetoAuthService({
  keySetUrl: process.argv[2],
  keySetOptions: { minRefetchIntervalMs: MIN_REFETCH_INTERVAL_MS, maxAgeMs: MAX_AGE_MS, onError: (error: KeySetError) => fetchErrors.push(error.message) },
});

@JsonController()
class MeController {
  @Get('/me')
  @Authorized()
  me(@Auth() handle: AuthPaseto) {
    return { subject: handle.getSubject() };
  }
}

const app = express();
useExpressServer(app, { controllers: [MeController], authorizationChecker: pasetoAuthorizationChecker(auth), development: false, defaultErrorHandler: false });
app.use(pasetoErrorHandler());
const server = app.listen(0, '127.0.0.1');

serveRequests(async (op, [a]) => {
  switch (op) {
    case 'ready':
      return auth.ready().then(
        () => 'ready',
        (error: unknown) => (error instanceof KeySetError ? error.message : 'not a KeySetError'),
      );
    case 'advanceClock':
      clockOffsetMs += a as number;
      return clockOffsetMs;
    case 'fetchErrors':
      return fetchErrors;
    case 'verifiesSynchronously':
      return !(auth.authenticateNow(a as string) instanceof Promise);
    default:
      throw new Error(`unknown op ${op}`);
  }
});

server.once('listening', () => process.send?.({ event: 'listening', port: (server.address() as AddressInfo).port }));
