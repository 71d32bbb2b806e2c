import { expect } from 'chai';
import { ErrorMessages } from '../../src/errors';
import { TokenFailure } from '../../src/tokens/failure';
import { validateClaims, type ClaimsRequirement } from '../../src/tokens/validate';

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const at = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const RULES: ClaimsRequirement = { leewayMs: 0, requireExpiry: false, requireJti: false };

/** The code and message validateClaims fails with, or 'ok'. */
function outcome(claims: unknown, rules: Partial<ClaimsRequirement> = {}, now = NOW): string {
  try {
    validateClaims(claims, { ...RULES, ...rules }, now);
    return 'ok';
  } catch (error) {
    expect(error).to.be.instanceOf(TokenFailure);
    return `${(error as TokenFailure).code}: ${(error as TokenFailure).message}`;
  }
}

describe('validateClaims (pure, time passed in)', () => {
  it('returns the typed claims: jti null when absent, type None when absent', () => {
    const valid = validateClaims({ sub: 7, exp: at(NOW + 1000) }, RULES, NOW);
    expect(valid).to.include({ subject: 7, jti: null, type: 'None', fresh: false, expiresAt: NOW + 1000, notBefore: undefined });
    expect(Object.isFrozen(valid.claims)).to.equal(true);
  });

  it('time claims with leeway, at the millisecond', () => {
    const claims = { sub: 'a', exp: at(NOW), nbf: at(NOW - 5000) };
    expect(outcome(claims, {}, NOW)).to.equal('ok');
    expect(outcome(claims, {}, NOW + 1)).to.equal(`token_expired: ${ErrorMessages.expired}`);
    expect(outcome(claims, { leewayMs: 1 }, NOW + 1)).to.equal('ok');
    expect(outcome({ sub: 'a', nbf: at(NOW + 2000) })).to.equal(`token_not_active: ${ErrorMessages.notActive}`);
    expect(outcome({ sub: 'a', nbf: at(NOW + 2000) }, { leewayMs: 2000 })).to.equal('ok');
  });

  it('structure, sub, exp and jti requirements', () => {
    expect(outcome([])).to.equal(`invalid_token: ${ErrorMessages.invalidFormat}`);
    expect(outcome({ sub: 'a', exp: 'tomorrow' })).to.equal(`invalid_token: ${ErrorMessages.invalidFormat}`);
    expect(outcome({})).to.equal(`invalid_token: ${ErrorMessages.subjectMissing}`);
    expect(outcome({ sub: 'a' }, { requireExpiry: true })).to.equal(`invalid_token: ${ErrorMessages.expiryMissing}`);
    expect(outcome({ sub: 'a', jti: '' }, { requireJti: true })).to.equal(`invalid_token: ${ErrorMessages.jtiMissing}`);
  });

  it('issuer and audience', () => {
    expect(outcome({ sub: 'a' }, { issuer: ['me'] })).to.equal(`invalid_issuer: ${ErrorMessages.issuerMissing}`);
    expect(outcome({ sub: 'a', iss: 'you' }, { issuer: ['me'] })).to.equal(`invalid_issuer: ${ErrorMessages.issuerInvalid}`);
    expect(outcome({ sub: 'a', aud: 'api' })).to.equal(`invalid_audience: ${ErrorMessages.audienceInvalid}`);
    expect(outcome({ sub: 'a', aud: ['x', 'api'] }, { audience: ['api'] })).to.equal('ok');
  });

  it('type and freshness, when asked', () => {
    const access = { sub: 'a', type: 'access', fresh: false };
    expect(outcome(access, { token: {} })).to.equal('ok');
    expect(outcome(access, { token: { fresh: true } })).to.equal(`fresh_token_required: ${ErrorMessages.notFresh}`);
    expect(outcome(access, { token: { refreshToken: true } })).to.equal('wrong_token_type: Refresh token required but access provided');
    expect(outcome({ sub: 'a' }, { token: {} })).to.equal('wrong_token_type: Access token required but none provided');
  });
});
