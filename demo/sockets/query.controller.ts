import type { Socket } from 'socket.io';
import { ConnectedSocket, OnConnect, SocketController } from 'socket-controllers';
import { Service } from 'typedi';
import { getSocketUser } from '../../src';
import type { DemoUser } from '../users';
import { GREETING_EVENT, greetingFor } from './greeting';

/**
 * Namespace `/query` in the socket-controllers style. Its middleware (made in server.ts with
 * `createPasetoSocketMiddleware({ namespace: '/query', location: ['query'] })`) accepts a token
 * only as `?token=`: `@OnConnect` runs for accepted sockets only.
 */
@Service()
@SocketController('/query')
export class QueryGreetingController {
  @OnConnect()
  connect(@ConnectedSocket() socket: Socket): void {
    const user = getSocketUser<DemoUser>(socket);
    // The middleware's userLoader refused unknown users, so there is always one here.
    if (user) socket.emit(GREETING_EVENT, greetingFor(user, socket.nsp.name));
  }
}
