// The quick start of docs/socket.md, run as written there (imports and the listening port aside).
import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { PasetoAuthService } from '../../src/service';
import { getSocketAuth, pasetoSocketMiddleware } from '../../src/socket/middleware';
import { LOCAL_KEY } from '../helpers/keys';

describe('docs/socket.md quick start', () => {
  const opened: ClientSocket[] = [];
  let io: Server | undefined;

  after(async () => {
    delete process.env.PASETO_SECRET_KEY;
    for (const socket of opened) socket.close();
    await io?.close();
  });

  it('runs as documented', async () => {
    process.env.PASETO_SECRET_KEY = LOCAL_KEY;
    // the snippet's console.log, captured instead of printed
    const printed: unknown[][] = [];
    const console = { log: (...args: unknown[]) => printed.push(args) };
    // --- server (docs) ---
    const auth = new PasetoAuthService({ secretKey: process.env.PASETO_SECRET_KEY });
    const http = createServer();
    io = new Server(http);

    io.use(pasetoSocketMiddleware({ auth })); // `/`: any valid access token
    io.of('/admin').use(pasetoSocketMiddleware({ auth, roles: ['admin'] })); // `/admin`: and the role admin

    io.on('connection', (socket) => {
      socket.emit('hello', `hello ${getSocketAuth(socket)?.subject}`);
    });
    // --- end server ---
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

    // --- client (docs) ---
    function connectWithToken(url: string, token: string) {
      const socket = connect(url, { auth: { token } });
      socket.on('hello', (text: string) => console.log(text)); // hello alice

      const admin = connect(`${url}/admin`, { auth: { token } });
      admin.on('connect_error', (err: Error & { data?: unknown }) => {
        console.log(err.message, err.data); // Token lacks a required role { code: 'insufficient_role', status: 403 }
      });
      return { socket, admin };
    }
    // --- end client ---
    const { socket, admin } = connectWithToken(url, await auth.createAccessToken({ subject: 'alice' }));
    opened.push(socket, admin);

    const [hello, refusal] = await Promise.all([
      new Promise<string>((resolve) => socket.once('hello', resolve)),
      new Promise<{ message: string; data: unknown }>((resolve) => admin.once('connect_error', (err: Error & { data?: unknown }) => resolve({ message: err.message, data: err.data }))),
    ]);
    admin.close();
    expect(hello).to.equal('hello alice');
    expect(printed).to.deep.include(['hello alice']);
    expect(printed).to.deep.include(['Token lacks a required role', { code: 'insufficient_role', status: 403 }]);
    expect(refusal).to.deep.equal({ message: 'Token lacks a required role', data: { code: 'insufficient_role', status: 403 } });
  });
});
