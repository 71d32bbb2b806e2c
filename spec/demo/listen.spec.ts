import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { createDemoApp, type DemoApp } from '../../demo/server';

describe('demo: where it listens', () => {
  const demos: DemoApp[] = [];
  afterEach(async () => {
    await Promise.all(demos.splice(0).map((demo) => demo.close()));
  });
  function demoWith(env: Record<string, string>): DemoApp {
    const demo = createDemoApp({ env, log: () => undefined });
    demos.push(demo);
    return demo;
  }

  it('binds 127.0.0.1 by default: the test/test accounts stay off the network', async () => {
    const demo = demoWith({});
    await demo.listen(0);
    expect((demo.httpServer.address() as AddressInfo).address).to.equal('127.0.0.1');
  });

  it('HOST chooses the interface', async () => {
    const demo = demoWith({ HOST: '0.0.0.0' });
    await demo.listen(0);
    expect((demo.httpServer.address() as AddressInfo).address).to.equal('0.0.0.0');
  });
});
