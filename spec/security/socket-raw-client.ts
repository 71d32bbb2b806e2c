/**
 * A bare-bones engine.io v4 / socket.io v5 client on node:http, for handshakes that
 * socket.io-client cannot make: the same header sent twice (its `extraHeaders` holds one value
 * per name). It opens the transport, sends a CONNECT to `/` and reports the server's answer.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

/** Request headers; a list is sent as that many lines of the same header, names keep their case. */
export type RawHeaders = Readonly<Record<string, string | readonly string[]>>;

/**
 * Header lines as node's `rawHeaders` lists them: `[name, value, name, value, …]`, with `Host`
 * first (node adds none to a request given its headers as a list).
 */
function lines(url: string, ...sets: RawHeaders[]): string[] {
  return ['host', new URL(url).host, ...sets.flatMap((set) => Object.entries(set).flatMap(([name, value]) => (typeof value === 'string' ? [value] : value).flatMap((one) => [name, one])))];
}

/** The server's answer to CONNECT: the connected packet's payload, or the refusal's. */
export type RawConnectResult = { connected: true } | { connected: false; message: string; data: unknown };

function answerOf(packet: string): RawConnectResult {
  // "40{...}" is CONNECT (accepted), "44{...}" CONNECT_ERROR.
  if (packet.startsWith('40')) return { connected: true };
  if (packet.startsWith('44')) {
    const { message, data } = JSON.parse(packet.slice(2)) as { message: string; data: unknown };
    return { connected: false, message, data };
  }
  throw new Error(`unexpected packet ${packet.slice(0, 40)}`);
}

function send(url: string, method: 'GET' | 'POST', headers: RawHeaders, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: lines(url, headers, body === undefined ? {} : { 'content-type': 'text/plain;charset=UTF-8' }) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Over long polling: handshake GET (with `headers`, and `query` such as `&token=a` appended), CONNECT by POST, answer by GET. */
export async function rawPollingConnect(base: string, headers: RawHeaders, auth?: unknown, query = ''): Promise<RawConnectResult> {
  const open = await send(`${base}/socket.io/?EIO=4&transport=polling${query}`, 'GET', headers);
  if (!open.startsWith('0')) throw new Error(`unexpected open packet ${open.slice(0, 40)}`);
  const { sid } = JSON.parse(open.slice(1)) as { sid: string };
  const at = `${base}/socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`;
  await send(at, 'POST', {}, auth === undefined ? '40' : `40${JSON.stringify(auth)}`);
  const answer = await send(at, 'GET', {});
  return answerOf(answer.split('\x1e')[0]);
}

/** One client-to-server text frame (masked, as RFC 6455 requires of clients), up to 64 KiB. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
  const length = payload.length < 126 ? Buffer.of(0x80 | payload.length) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([Buffer.of(0x81), length, mask, masked]);
}

/** Text frames out of the server's (unmasked) byte stream. */
function* frames(buffer: Buffer): Generator<{ text: string; end: number }> {
  let at = 0;
  while (at + 2 <= buffer.length) {
    let length = buffer[at + 1] & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (at + 4 > buffer.length) return;
      length = buffer.readUInt16BE(at + 2);
      start = at + 4;
    }
    if (start + length > buffer.length) return;
    yield { text: buffer.subarray(start, start + length).toString('utf8'), end: start + length };
    at = start + length;
  }
}

/** Over a WebSocket: upgrade (with `headers`, and `query` appended), wait for OPEN, send CONNECT, read the answer. */
export function rawWebSocketConnect(base: string, headers: RawHeaders, auth?: unknown, query = ''): Promise<RawConnectResult> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/socket.io/?EIO=4&transport=websocket${query}`, {
      headers: lines(base, headers, {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
      }),
    });
    req.on('error', reject);
    req.on('response', (res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
    req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
      let pending = head;
      let opened = false;
      const read = (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        for (const { text, end } of frames(pending)) {
          pending = pending.subarray(end);
          if (!opened && text.startsWith('0')) {
            opened = true;
            socket.write(textFrame(auth === undefined ? '40' : `40${JSON.stringify(auth)}`));
          } else if (opened && text.startsWith('4')) {
            socket.destroy();
            try {
              resolve(answerOf(text));
            } catch (error) {
              reject(error);
            }
            return;
          }
        }
      };
      socket.on('data', read);
      socket.on('error', reject);
      read(Buffer.alloc(0));
    });
    req.end();
  });
}
