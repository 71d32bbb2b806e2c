import 'reflect-metadata';
import { expect } from 'chai';
import { Container } from 'typedi';
import { PasetoConfigError } from '../src/errors';
import { PASETO_CONFIG, PasetoAuthService } from '../src/service';
import { serviceSource } from '../src/service-source';

const KEY = 'k4.local.' + Buffer.alloc(32, 5).toString('base64url');

describe('serviceSource: the one way adapters find the service', () => {
  const clean = (): void => {
    Container.remove(PASETO_CONFIG);
    Container.reset();
  };
  beforeEach(clean);
  afterEach(clean);

  it('gives the service it was given, and is ready at once', () => {
    const auth = new PasetoAuthService({ secretKey: KEY });
    const source = serviceSource(auth);
    expect(source.ready).to.equal(true);
    expect(source.get()).to.equal(auth);
  });

  it('calls a factory once, at the first get()', () => {
    let calls = 0;
    const auth = new PasetoAuthService({ secretKey: KEY });
    const source = serviceSource(() => {
      calls += 1;
      return auth;
    });
    expect(calls).to.equal(0);
    expect(source.ready).to.equal(true);
    expect(source.get()).to.equal(auth);
    expect(source.get()).to.equal(auth);
    expect(calls).to.equal(1);
  });

  it('takes Container.get(PasetoAuthService) once, ready only when PASETO_CONFIG is set', () => {
    const source = serviceSource(undefined);
    expect(source.ready).to.equal(false);
    Container.set(PASETO_CONFIG, { secretKey: KEY });
    expect(source.ready).to.equal(true);
    const first = source.get();
    expect(first).to.equal(Container.get(PasetoAuthService));
    Container.reset();
    // Resolved once: a new container service is not picked up.
    expect(source.get()).to.equal(first);
  });

  it('with cache: false, asks the container at each get() (decorators outlive a Container.reset())', () => {
    Container.set(PASETO_CONFIG, { secretKey: KEY });
    const source = serviceSource(undefined, { cache: false });
    const first = source.get();
    expect(source.get()).to.equal(first);
    Container.reset();
    const next = source.get();
    expect(next).to.not.equal(first);
    expect(next).to.equal(Container.get(PasetoAuthService));
  });

  it('throws the same error on every get() after a failed resolution', () => {
    Container.set(PASETO_CONFIG, { secretKey: 'not a key' });
    const source = serviceSource(undefined);
    let first: unknown;
    try {
      source.get();
    } catch (error) {
      first = error;
    }
    expect(first).to.be.instanceOf(PasetoConfigError);
    expect(() => source.get()).to.throw().that.equals(first);
    expect(source.resolved).to.equal(true);
  });

  it('refuses a user loader or another value in place of the service', () => {
    expect(() => serviceSource(((token: unknown) => token) as unknown as () => PasetoAuthService)).to.throw(PasetoConfigError, /auth: .*userLoader/);
    expect(() => serviceSource({ config: {} } as unknown as PasetoAuthService)).to.throw(PasetoConfigError, /auth: expected a PasetoAuthService/);
    expect(() => serviceSource(() => ({}) as PasetoAuthService).get()).to.throw(PasetoConfigError, /did not return a PasetoAuthService/);
  });
});
