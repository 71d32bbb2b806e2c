import { expect } from 'chai';
import { pasetoSocketMiddleware } from '../../src/socket/middleware';
import { ask, closeClients, expected, refusalOf, startServer, testService, tryConnect, TRANSPORTS, type ClientOptions, type ClientSet, type Refusal, type TestServer } from './helpers';
import { guardRoot, Refused, track, type ConnectionLog, type Whoami } from './fixtures';

const CONNECTIONS = 200;

for (const transport of TRANSPORTS) {
  describe(`socket middleware under ${CONNECTIONS} concurrent connections over ${transport}`, function () {
    this.timeout(60_000);
    const clients: ClientSet = new Set();
    let server: TestServer | undefined;

    afterEach(async () => {
      closeClients(clients);
      await server?.close();
      server = undefined;
    });

    it('answers every one correctly: each good socket sees its own token, each bad one its own refusal', async () => {
      const auth = testService({ denylistEnabled: true });
      const log: ConnectionLog = [];
      server = await startServer((io) => {
        guardRoot(io, { auth }, log);
        io.of('/admin').use(pasetoSocketMiddleware({ auth, roles: ['admin'] }));
        io.of('/admin').on('connection', (socket) => track(socket, log));
      });
      const revoked = await auth.createAccessToken({ subject: 'revoked' });
      await auth.revokeToken(revoked);
      const refresh = await auth.createRefreshToken({ subject: 'refresh' });

      // Six kinds of client, interleaved so good and bad handshakes overlap.
      const plans = await Promise.all(
        Array.from({ length: CONNECTIONS }, async (_, i): Promise<{ nsp: string; options: ClientOptions; outcome: string | Refusal }> => {
          const subject = `user-${i}`;
          switch (i % 6) {
            case 0:
              return { nsp: '/', options: { auth: { token: await auth.createAccessToken({ subject }) } }, outcome: subject };
            case 1:
              return { nsp: '/admin', options: { headers: { Authorization: `Bearer ${await auth.createAccessToken({ subject, userClaims: { roles: ['admin'] } })}` } }, outcome: subject };
            case 2:
              return { nsp: '/admin', options: { query: { token: await auth.createAccessToken({ subject }) } }, outcome: Refused.role };
            case 3:
              return { nsp: '/', options: i % 4 === 1 ? {} : { auth: { token: 'garbage' } }, outcome: i % 4 === 1 ? Refused.missing : Refused.format };
            case 4:
              return { nsp: '/', options: { auth: { token: revoked } }, outcome: Refused.revoked };
            default:
              return { nsp: '/admin', options: { auth: { token: refresh } }, outcome: Refused.accessNotRefresh };
          }
        }),
      );

      const results = await Promise.all(plans.map((plan) => tryConnect(clients, server!.url, plan.nsp, transport, plan.options)));
      const answers = await Promise.all(
        results.map(async (result, i) => {
          const { outcome, nsp } = plans[i];
          if (typeof outcome === 'string') {
            if (!result.connected) return `#${i} refused: ${result.message}`;
            const who = await ask<Whoami>(result.socket, 'whoami');
            return who.subject === outcome && who.nsp === nsp ? 'ok' : `#${i} saw ${JSON.stringify(who)}`;
          }
          const got = refusalOf(result);
          return JSON.stringify(got) === JSON.stringify(expected(outcome)) ? 'ok' : `#${i} got ${JSON.stringify(got)}`;
        }),
      );
      expect(answers.filter((answer) => answer !== 'ok')).to.deep.equal([]);
      const good = plans.filter((plan) => typeof plan.outcome === 'string');
      expect(log.map((entry) => entry.subject).sort()).to.deep.equal(good.map((plan) => plan.outcome).sort());
    });
  });
}
