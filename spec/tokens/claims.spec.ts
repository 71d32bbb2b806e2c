import { expect } from 'chai';
import { formatTime, parseTime } from '../../src/tokens/claims';

describe('claims: RFC 3339 times', () => {
  it('reads the forms PASETO tokens carry', () => {
    expect(parseTime('2099-01-01T00:00:00Z')).to.equal(Date.UTC(2099, 0, 1));
    expect(parseTime('2099-01-01T02:00:00.250+02:00')).to.equal(Date.UTC(2099, 0, 1, 0, 0, 0, 250));
    expect(parseTime('2099-01-01t00:00:00z')).to.equal(Date.UTC(2099, 0, 1));
    expect(parseTime(formatTime(Date.UTC(2030, 5, 15, 12, 30, 45, 999)))).to.equal(Date.UTC(2030, 5, 15, 12, 30, 45));
    expect(parseTime(undefined)).to.equal(undefined);
  });

  it('refuses dates that do not exist instead of rolling them over', () => {
    for (const bad of ['2099-02-30T00:00:00Z', '2099-13-01T00:00:00Z', '2099-01-01T24:00:00Z', '2099-01-01T23:60:00Z', '2099-01-01T00:00:60Z', '2099-01-01T00:00:00+24:00']) {
      expect(parseTime(bad), bad).to.be.NaN;
    }
  });

  it('refuses other shapes and types', () => {
    for (const bad of ['2099-01-01', '2099-01-01 00:00:00Z', '2099-01-01T00:00:00', 4102444800, null, {}]) {
      expect(parseTime(bad), String(bad)).to.be.NaN;
    }
  });
});
