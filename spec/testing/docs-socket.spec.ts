// docs/testing.md's socket.io test, as written there (spec/readme.spec.ts keeps the two identical).
import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { pasetoSocketMiddleware, SOCKET_SESSION_ENDED_EVENT } from '../../src';
import { createTestAuth } from '../../src/testing';

describe('the members namespace', () => {
  const { auth, clock, accessToken } = createTestAuth();
  const http = createServer();
  const io = new Server(http);
  io.of('/members').use(pasetoSocketMiddleware({ auth, roles: ['member'] }));
  const clients: Socket[] = [];
  let url = '';

  before((done) => {
    http.listen(0, '127.0.0.1', () => {
      url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/members`;
      done();
    });
  });

  after(async () => {
    for (const client of clients) client.disconnect();
    await io.close();
  });

  function open(token: string): Socket {
    const socket = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false });
    clients.push(socket);
    return socket;
  }

  it('refuses a token without the member role', async () => {
    const socket = open(await accessToken('bob'));
    const error = await new Promise<Error & { data?: unknown }>((resolve) => socket.on('connect_error', resolve));
    expect(error.data).to.deep.equal({ code: 'insufficient_role', status: 403 });
  });

  it('connects, then ends the session when the token expires', async () => {
    const socket = open(await accessToken('alice', { roles: ['member'] }));
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    const ended = new Promise((resolve) => socket.on(SOCKET_SESSION_ENDED_EVENT, resolve));
    clock.advance(15 * 60_000 + 1);
    expect(await ended).to.include({ code: 'token_expired' });
  });
});
