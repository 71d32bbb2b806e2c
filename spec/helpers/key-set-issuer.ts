/**
 * An issuer, run as a child process: signs v4.public tokens with the first key of its ring and
 * serves `auth.publicKeySet()` at /.well-known/paseto-keys on 127.0.0.1 (argv[2]: the port, 0 for
 * any). Driven over IPC by spec/keys/key-set-processes.spec.ts: rotate, drop old keys, serve a
 * hostile body instead, count key set requests, stop listening.
 */
import 'reflect-metadata';
import express from 'express';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
// Only what it uses, not the package index: a quicker start.
import { generateKeys } from '../../src/keys/generate';
import { PASETO_KEY_SET_PATH } from '../../src/keys/key-set';
import { PasetoAuthService } from '../../src/service';
import { serveRequests } from './key-set-node';

const newKey = (): string => generateKeys({ version: 4, purpose: 'public' }).privateKey!;
let privateKeys = [newKey()];
const issuerWith = (keys: string[]): PasetoAuthService =>
  new PasetoAuthService({ purpose: 'public', accessTokenExpires: 86_400, keys: keys.map((privateKey) => ({ privateKey })) });
let auth = issuerWith(privateKeys);
/** A raw body served instead of the key set (a hostile issuer), or null. */
let rawBody: string | null = null;
let keySetRequests = 0;

const app = express();
app.get(PASETO_KEY_SET_PATH, (_request, response) => {
  keySetRequests += 1;
  if (rawBody !== null) response.type('application/json').send(rawBody);
  else response.json(auth.publicKeySet());
});
const server = app.listen(Number(process.argv[2]), '127.0.0.1');

serveRequests(async (op, [a]) => {
  switch (op) {
    case 'token':
      return auth.createAccessToken({ subject: String(a) });
    case 'rotate':
      // The new key first: it signs from now on, and it is published before any token of it exists.
      privateKeys = [newKey(), ...privateKeys];
      auth = issuerWith(privateKeys);
      return auth.keyIds[0];
    case 'dropOldKeys':
      privateKeys = privateKeys.slice(0, 1);
      auth = issuerWith(privateKeys);
      return null;
    case 'serveRaw':
      rawBody = a as string | null;
      return null;
    case 'requests':
      return keySetRequests;
    case 'close':
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
      return null;
    default:
      throw new Error(`unknown op ${op}`);
  }
});

server.once('listening', () => process.send?.({ event: 'listening', port: (server.address() as AddressInfo).port }));
