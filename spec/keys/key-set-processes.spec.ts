// An issuer and a verify-only consumer as two real processes on loopback: the consumer takes the
// issuer's published key set through `keySetUrl`. Rotation, an unreachable issuer, hostile sets and
// the refetch rate limit, seen from the outside (HTTP status of a guarded route, requests counted
// at the issuer).
import { expect } from 'chai';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { generateKeys, PASETO_KEY_SET_PATH, PasetoAuthService } from '../../src';
import { eventually } from '../helpers/fleet';
import { startKeySetNode, type KeySetNode } from '../helpers/key-set-node';

/** The consumer's options (spec/helpers/key-set-consumer.ts). */
const MIN_REFETCH_INTERVAL_MS = 60_000;
const MAX_AGE_MS = 600_000;

/** A port nobody listens on (taken, then freed). */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A token signed by a key the issuer never had, naming that key in its footer. */
async function strangerToken(): Promise<string> {
  const stranger = new PasetoAuthService({ purpose: 'public', keys: [{ privateKey: generateKeys({ version: 4, purpose: 'public' }).privateKey }] });
  return stranger.createAccessToken({ subject: 'mallory' });
}

describe('key sets between an issuer and a consumer process', function () {
  this.timeout(60_000);
  let issuer: KeySetNode | undefined;
  let consumer: KeySetNode | undefined;

  const keySetUrl = (port: number): string => `http://127.0.0.1:${port}${PASETO_KEY_SET_PATH}`;
  const startIssuer = async (port = 0): Promise<KeySetNode> => (issuer = await startKeySetNode('key-set-issuer.ts', [String(port)]));
  const startConsumer = async (port: number): Promise<KeySetNode> => (consumer = await startKeySetNode('key-set-consumer.ts', [keySetUrl(port)]));
  /** Both at once (each process takes seconds to load): the consumer's first fetch may come before the issuer listens. */
  const startBoth = async (): Promise<void> => {
    const port = await freePort();
    await Promise.all([startIssuer(port), startConsumer(port)]);
    // A first fetch refused before the issuer listened is retried once the interval has passed.
    if ((await consumer!.request('ready')) !== 'ready') {
      await advance(MIN_REFETCH_INTERVAL_MS);
      expect(await consumer!.request('ready')).to.equal('ready');
    }
  };
  const token = async (subject: string): Promise<string> => (await issuer!.request('token', subject)) as string;
  const requests = async (): Promise<number> => (await issuer!.request('requests')) as number;
  const advance = (ms: number): Promise<unknown> => consumer!.request('advanceClock', ms);
  /** GET /me at the consumer with `token`: its status and body. */
  const me = async (bearer: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`http://127.0.0.1:${consumer!.port}/me`, { headers: { authorization: `Bearer ${bearer}` } });
    return { status: response.status, body: await response.json() };
  };
  const refused = { status: 401, body: { name: 'AuthPasetoError', message: 'Failed to verify.', code: 'invalid_token', status: 401 } };

  afterEach(async () => {
    await Promise.all([issuer?.stop(), consumer?.stop()]);
    issuer = consumer = undefined;
  });

  it('rotation without a restart: a token of the new key verifies after one refetch, the old ones still do until their key is dropped', async () => {
    await startBoth();
    const old = await token('old');
    expect(await me(old)).to.deep.equal({ status: 200, body: { subject: 'old' } });
    expect(await consumer!.request('verifiesSynchronously', await token('again'))).to.equal(true);

    expect(await requests()).to.equal(1);
    await issuer!.request('rotate');
    await advance(MIN_REFETCH_INTERVAL_MS);
    const rotated = await token('new');
    expect(await me(rotated)).to.deep.equal({ status: 200, body: { subject: 'new' } });
    expect(await me(old)).to.deep.equal({ status: 200, body: { subject: 'old' } });
    expect(await me(await token('newer'))).to.deep.equal({ status: 200, body: { subject: 'newer' } });
    expect(await requests(), 'one refetch for the new kid').to.equal(2);

    // Once the old tokens have expired the issuer drops the old key: at the consumer it stops
    // verifying when the set is refreshed (maxAgeMs), its cached verifications included.
    await issuer!.request('dropOldKeys');
    await advance(MAX_AGE_MS);
    await me(old);
    await eventually(async () => (await me(old)).status === 401, 5000, 'the old key is dropped');
    expect(await me(old)).to.deep.equal(refused);
    expect(await me(rotated)).to.deep.equal({ status: 200, body: { subject: 'new' } });
    expect(await requests(), 'one refresh when the set was stale').to.equal(3);
  });

  it('an issuer unreachable at start: 401 and a rejected ready(), no crash; served once it is up and the interval has passed', async () => {
    const port = await freePort();
    await startConsumer(port);
    expect(await consumer!.request('ready')).to.match(/^Key set http:\/\/127\.0\.0\.1:\d+\/\.well-known\/paseto-keys: could not be fetched \(ECONNREFUSED\)$/);
    await startIssuer(port);
    const early = await token('early');
    // Within the interval nothing is fetched: a refusal at once, not a wait.
    expect(await me(early)).to.deep.equal(refused);
    expect(await requests()).to.equal(0);
    await advance(MIN_REFETCH_INTERVAL_MS);
    expect(await me(early)).to.deep.equal({ status: 200, body: { subject: 'early' } });
    expect(await requests()).to.equal(1);
  });

  it('an issuer gone later: the keys held stay, a stranger key is refused, the failures are reported', async () => {
    await startBoth();
    const [first, second] = [await token('first'), await token('second')];
    expect((await me(first)).status).to.equal(200);
    await issuer!.request('close');
    await advance(MAX_AGE_MS);
    // The set is stale: this verification starts a refetch in the background and is answered from the set held.
    expect((await me(first)).status).to.equal(200);
    await eventually(async () => ((await consumer!.request('fetchErrors')) as string[]).length === 1, 5000, 'the failed refresh is reported');
    expect(((await consumer!.request('fetchErrors')) as string[])[0]).to.match(/could not be fetched \(ECONNREFUSED\)/);
    // A token never seen (no verified-token cache entry) of the held key: the set was kept.
    expect(await me(second)).to.deep.equal({ status: 200, body: { subject: 'second' } });
    expect(await me(await strangerToken())).to.deep.equal(refused);
  });

  it('a hostile set is refused whole and the keys held stay: wrong version, non-public keys, oversize, malformed JSON, too many keys', async () => {
    await startBoth();
    const v4 = (): string => generateKeys({ version: 4, purpose: 'public' }).publicKey!;
    const hostile: Array<[string, RegExp]> = [
      [JSON.stringify({ keys: [generateKeys({ version: 3, purpose: 'public' }).publicKey] }), /keys\[0\] is not valid: expected a k4\.public PASERK, got k3\.public/],
      [JSON.stringify({ keys: [generateKeys({ version: 4, purpose: 'public' }).privateKey] }), /keys\[0\] is a secret key/],
      [JSON.stringify({ keys: [generateKeys({ version: 4, purpose: 'local' }).secretKey] }), /keys\[0\] is a local key/],
      [JSON.stringify({ keys: [v4()], padding: 'x'.repeat(70_000) }), /is larger than 65536 bytes/],
      ['{"keys": ["k4.public.', /is not JSON/],
      [JSON.stringify({ keys: Array.from({ length: 33 }, v4) }), /holds 33 keys, more than 32/],
    ];
    for (const [index, [body, message]] of hostile.entries()) {
      await issuer!.request('serveRaw', body);
      await advance(MIN_REFETCH_INTERVAL_MS);
      // A stranger's kid makes the consumer refetch: it gets the hostile set, refuses it, and refuses the token.
      expect(await me(await strangerToken())).to.deep.equal(refused);
      const errors = (await consumer!.request('fetchErrors')) as string[];
      expect(errors, body.slice(0, 40)).to.have.length(index + 1);
      expect(errors[index]).to.match(message);
      expect(await me(await token(`held-${index}`))).to.deep.equal({ status: 200, body: { subject: `held-${index}` } });
    }
    expect(await requests()).to.equal(1 + hostile.length);
  });

  it('a flood of unknown kids costs at most one fetch per interval (counted at the issuer)', async () => {
    await startBoth();
    const strangers = await Promise.all(Array.from({ length: 40 }, strangerToken));
    const flood = async (): Promise<void> => {
      const answers = await Promise.all(strangers.map(me));
      expect(answers.every((answer) => answer.status === 401)).to.equal(true);
    };
    await flood();
    expect(await requests(), 'within the interval of the first fetch').to.equal(1);
    await advance(MIN_REFETCH_INTERVAL_MS);
    await flood();
    expect(await requests(), 'one fetch for the whole flood').to.equal(2);
    await flood();
    expect(await requests(), 'none again within the interval').to.equal(2);
    expect(await me(await token('still'))).to.deep.equal({ status: 200, body: { subject: 'still' } });
  });
});
