import WebSocket from 'ws';

/**
 * A load generator of Socket.IO handshakes, in a process of its own (several run at once).
 * It speaks the Engine.IO v4 / Socket.IO v5 wire protocol over a bare WebSocket, which costs the
 * client far less than socket.io-client, so the server is the bottleneck sooner:
 * open (`0{...}`) -> CONNECT with auth (`40{"token":...}`) -> CONNECT ack (`40{...}`) = one handshake.
 */
interface Run {
  type: 'run';
  port: number;
  token: string;
  milliseconds: number;
  concurrency: number;
}
interface Events {
  type: 'events';
  port: number;
  token: string;
  milliseconds: number;
  concurrency: number;
}
interface Hold {
  type: 'hold';
  port: number;
  token: string;
  count: number;
}

/** Opens one socket and resolves with it once the namespace CONNECT is acknowledged. */
function handshake(port: number, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.startsWith('0{')) socket.send(`40${JSON.stringify({ token })}`);
      else if (text.startsWith('40')) resolve(socket);
      else if (text.startsWith('44')) reject(new Error(`refused: ${text}`));
      else if (text === '2') socket.send('3'); // ping -> pong while held
    });
    socket.on('error', reject);
  });
}

async function run({ port, token, milliseconds, concurrency }: Run): Promise<number> {
  const end = performance.now() + milliseconds;
  let count = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const socket = await handshake(port, token);
      count += 1;
      socket.terminate();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return count;
}

/**
 * Opens `concurrency` sockets, then has each send `bench:ping` with an acknowledgement and wait for
 * it, over and over (`42<id>["bench:ping"]` -> `43<id>[1]`); resolves with the acknowledged count.
 */
async function events({ port, token, milliseconds, concurrency }: Events): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: concurrency }, () => handshake(port, token)));
  const end = performance.now() + milliseconds;
  let count = 0;
  const worker = (socket: WebSocket): Promise<void> =>
    new Promise((resolve, reject) => {
      let id = 0;
      const send = (): void => {
        if (performance.now() >= end) {
          socket.terminate();
          resolve();
          return;
        }
        id += 1;
        socket.send(`42${id}["bench:ping"]`);
      };
      socket.on('message', (data: Buffer) => {
        const text = data.toString();
        if (text === `43${id}[1]`) {
          count += 1;
          send();
        } else if (text.startsWith('43')) reject(new Error(`refused: ${text}`));
      });
      send();
    });
  await Promise.all(sockets.map(worker));
  return count;
}

const held: WebSocket[] = [];

/** Opens `count` sockets (in batches, so none times out) and keeps them open. */
async function hold({ port, token, count }: Hold): Promise<number> {
  for (let opened = 0; opened < count; opened += 100) {
    held.push(...(await Promise.all(Array.from({ length: Math.min(100, count - opened) }, () => handshake(port, token)))));
  }
  return held.length;
}

process.on('message', (message: Run | Events | Hold | { type: 'release' }) => {
  const reply = (value: Record<string, unknown>): void => void process.send?.({ type: message.type, ...value });
  if (message.type === 'run') {
    run(message).then((count) => reply({ count }), (error: unknown) => reply({ error: String(error) }));
  } else if (message.type === 'events') {
    events(message).then((count) => reply({ count }), (error: unknown) => reply({ error: String(error) }));
  } else if (message.type === 'hold') {
    hold(message).then(
      (count) => reply({ count }),
      (error: unknown) => reply({ error: String(error) }),
    );
  } else {
    for (const socket of held.splice(0)) socket.terminate();
    reply({});
  }
});
process.on('disconnect', () => process.exit(0));
