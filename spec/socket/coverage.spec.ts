import { expect } from 'chai';
import type { Socket } from 'socket.io';
import { ConnectedSocket, Middleware, OnConnect, SocketController, SocketControllers } from 'socket-controllers';
import { Container, Service } from 'typedi';
import { checkSocketControllersCoverage } from '../../src/socket/coverage';
import { createPasetoSocketMiddleware, PasetoSocketMiddleware } from '../../src/socket/socket-controllers';
import { closeClients, expected, refusalOf, startServer, testService, tryConnect, type ClientSet, type TestServer } from './helpers';
import { Refused } from './fixtures';

const connected: string[] = [];

@SocketController()
@Service()
class LobbyController {
  @OnConnect()
  connect(@ConnectedSocket() socket: Socket): void {
    connected.push(socket.nsp.name);
  }
}

@SocketController('/admin')
@Service()
class AdminController extends LobbyController {}

@SocketController('/chat')
@Service()
class ChatController extends LobbyController {}

@SocketController(/^\/rooms\/\d+$/)
@Service()
class RoomController extends LobbyController {}

/** An application middleware: not assumed to authenticate. */
@Middleware({ namespace: '/chat' })
@Service()
class LoggingMiddleware {
  use(_socket: Socket, next: () => void): void {
    next();
  }
}

const auth = testService();
const RootAuth = createPasetoSocketMiddleware({ auth, namespace: '/' });
const AdminAuth = createPasetoSocketMiddleware({ auth, namespace: '/admin', roles: ['admin'] });
const controllers = [LobbyController, AdminController, ChatController];

function check(middlewares: unknown[], extra: { controllers?: unknown[]; open?: string[] } = {}): { unguarded: Array<string | RegExp>; warnings: string[] } {
  const warnings: string[] = [];
  const unguarded = checkSocketControllersCoverage({ controllers, middlewares, ...extra, logger: { warn: (message) => warnings.push(message) } });
  return { unguarded, warnings };
}

describe('checkSocketControllersCoverage', () => {
  const clients: ClientSet = new Set();
  let server: TestServer | undefined;
  afterEach(async () => {
    closeClients(clients);
    await server?.close();
    server = undefined;
    connected.length = 0;
  });

  it('warns about /chat with [RootAuth, AdminAuth], and /chat really is open: @OnConnect runs without a token', async () => {
    const { unguarded, warnings } = check([RootAuth, AdminAuth]);
    expect(unguarded).to.deep.equal(['/chat']);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('namespace /chat has no paseto middleware').and.include("createPasetoSocketMiddleware({ namespace: '/chat' })");

    server = await startServer((io) => {
      new SocketControllers({ io, container: Container, controllers, middlewares: [RootAuth, AdminAuth] });
    });
    expect(refusalOf(await tryConnect(clients, server.url, '/', 'websocket'))).to.deep.equal(expected(Refused.missing));
    expect((await tryConnect(clients, server.url, '/chat', 'websocket')).connected).to.equal(true);
    expect(connected).to.include('/chat');
  });

  it('is silent when every namespace is covered: one middleware per namespace, or PasetoSocketMiddleware for all', () => {
    const ChatAuth = createPasetoSocketMiddleware({ auth, namespace: ['/chat', /^\/rooms\/\d+$/] });
    expect(check([RootAuth, AdminAuth, ChatAuth], { controllers: [...controllers, RoomController] })).to.deep.equal({ unguarded: [], warnings: [] });
    expect(check([PasetoSocketMiddleware], { controllers: [...controllers, RoomController] })).to.deep.equal({ unguarded: [], warnings: [] });
    expect(check([createPasetoSocketMiddleware({ auth })])).to.deep.equal({ unguarded: [], warnings: [] });
  });

  it("a namespace listed in open is not reported; the application's own middleware does not count as a guard", () => {
    expect(check([RootAuth, AdminAuth], { open: ['/chat'] }).warnings).to.deep.equal([]);
    expect(check([RootAuth, AdminAuth, LoggingMiddleware]).unguarded).to.deep.equal(['/chat']);
  });

  it("a controller without a namespace is on '/': reported when only /admin is guarded; a RegExp namespace needs the same RegExp", () => {
    expect(check([AdminAuth]).unguarded).to.deep.equal(['/', '/chat']);
    const { unguarded, warnings } = check([RootAuth, AdminAuth, createPasetoSocketMiddleware({ auth, namespace: '/rooms/1' })], {
      controllers: [RoomController],
    });
    expect(unguarded.map(String)).to.deep.equal(['/^\\/rooms\\/\\d+$/']);
    expect(warnings[0]).to.include('namespace: /^\\/rooms\\/\\d+$/');
  });
});
