import { expect } from 'chai';
import { isClock, scheduleOn, systemClock } from '../../src/clock';
import { TestClock } from '../../src/testing/clock';

describe('TestClock', () => {
  it('moves only when told to, and never backwards', () => {
    const clock = new TestClock(new Date('2030-01-01T00:00:00Z'));
    const start = clock.now();
    expect(clock.now()).to.equal(start);
    clock.advance(1500);
    expect(clock.now()).to.equal(start + 1500);
    clock.set(new Date('2030-01-01T00:01:00Z'));
    expect(clock.now()).to.equal(Date.parse('2030-01-01T00:01:00Z'));
    expect(() => clock.set(start)).to.throw(TypeError);
    expect(() => clock.advance(-1)).to.throw(TypeError);
    expect(() => clock.advance(Number.NaN)).to.throw(TypeError);
  });

  it('runs scheduled callbacks in time order, each seeing its own due time', () => {
    const clock = new TestClock(0);
    const seen: string[] = [];
    clock.schedule(() => seen.push(`b@${clock.now()}`), 200);
    clock.schedule(() => seen.push(`a@${clock.now()}`), 100);
    clock.schedule(() => seen.push(`c@${clock.now()}`), 300);
    clock.advance(250);
    expect(seen).to.deep.equal(['a@100', 'b@200']);
    expect(clock.now()).to.equal(250);
    clock.advance(50);
    expect(seen).to.deep.equal(['a@100', 'b@200', 'c@300']);
    expect(clock.pendingTimers).to.equal(0);
  });

  it('runs callbacks scheduled while advancing when they fall due, and not cancelled ones', () => {
    const clock = new TestClock(0);
    const seen: number[] = [];
    clock.schedule(() => {
      seen.push(clock.now());
      clock.schedule(() => seen.push(clock.now()), 100);
    }, 100);
    const cancel = clock.schedule(() => seen.push(-1), 150);
    cancel();
    clock.advance(1000);
    expect(seen).to.deep.equal([100, 200]);
  });
});

describe('clock helpers', () => {
  it('scheduleOn uses a clock scheduler when there is one', () => {
    const clock = new TestClock(0);
    let fired = false;
    const cancel = scheduleOn(clock, () => (fired = true), 10);
    clock.advance(10);
    expect(fired).to.equal(true);
    cancel();
  });

  it('scheduleOn falls back to a cancellable real timer', () => {
    let fired = false;
    const cancel = scheduleOn(systemClock, () => (fired = true), 0);
    cancel();
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => expect(fired).to.equal(false));
  });

  it('isClock accepts clocks and refuses look-alikes', () => {
    expect(isClock(systemClock)).to.equal(true);
    expect(isClock(new TestClock())).to.equal(true);
    expect(isClock({ now: 1 })).to.equal(false);
    expect(isClock({ now: () => 1, schedule: 'x' })).to.equal(false);
    expect(isClock(null)).to.equal(false);
  });
});
