/** What RedisDenylist keeps in Redis and sends on its channel: the scripts, the snapshot and message formats. */
import type { TimedRevocation } from './revocation-set';

/** Why a {@link RedisDenylist} refused to answer or to write; the service reports `denylist_unavailable`. */
export class RedisDenylistError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisDenylistError';
  }
}

// Redis' own clock, in milliseconds, in every script: expiry and the write deadline are judged there.
const REDIS_NOW = `local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)`;

/** KEYS: the three sorted sets. Drops what has expired and returns Redis' time and every live entry. */
export const SNAPSHOT_SCRIPT = `${REDIS_NOW}
local out = { tostring(now) }
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. now)
  out[i + 1] = redis.call('ZRANGEBYSCORE', key, '-inf', '+inf', 'WITHSCORES')
end
return out`;

/** KEYS[1]: the kind's sorted set. ARGV: deadline, member, until ('+inf' or ms), channel, message. */
export const REVOKE_SCRIPT = `${REDIS_NOW}
if now > tonumber(ARGV[1]) then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
if ARGV[3] == '+inf' or tonumber(ARGV[3]) >= now then
  redis.call('ZADD', KEYS[1], 'GT', ARGV[3], ARGV[2])
  redis.call('PUBLISH', ARGV[4], ARGV[5])
end
return 1`;

/** KEYS[1]: the spent-id key. ARGV: deadline, until ('+inf' or ms), until + 1. 1: first spend, 0: not, -1: too late. */
export const SPEND_SCRIPT = `${REDIS_NOW}
if now > tonumber(ARGV[1]) then return -1 end
if ARGV[2] == '+inf' then
  if redis.call('SET', KEYS[1], '1', 'NX') then return 1 end
  return 0
end
if tonumber(ARGV[2]) < now then return 0 end
if redis.call('SET', KEYS[1], '1', 'NX', 'PXAT', ARGV[3]) then return 1 end
return 0`;

export const KINDS = ['token', 'session', 'subject'] as const;

/** A revocation on the channel: `until` is `null` for never. */
export interface WireRevocation {
  kind: TimedRevocation['kind'];
  id: string;
  until: number | null;
  issuedUpToMs?: number;
}

function scoreOf(score: unknown): number {
  if (score === 'inf' || score === '+inf') return Number.POSITIVE_INFINITY;
  const value = typeof score === 'string' ? Number(score) : Number.NaN;
  if (!Number.isFinite(value)) throw new RedisDenylistError('Redis returned a malformed revocation snapshot');
  return value;
}

export function parseSnapshot(reply: unknown): { redisNow: number; revocations: TimedRevocation[] } {
  const malformed = new RedisDenylistError('Redis returned a malformed revocation snapshot');
  if (!Array.isArray(reply) || reply.length !== 1 + KINDS.length) throw malformed;
  const redisNow = Number(reply[0]);
  if (!Number.isFinite(redisNow)) throw malformed;
  const revocations: TimedRevocation[] = [];
  KINDS.forEach((kind, index) => {
    const entries: unknown = reply[index + 1];
    if (!Array.isArray(entries) || entries.length % 2 !== 0) throw malformed;
    for (let at = 0; at < entries.length; at += 2) {
      const member: unknown = entries[at];
      const until = scoreOf(entries[at + 1]);
      if (typeof member !== 'string') throw malformed;
      if (kind !== 'subject') {
        revocations.push({ kind, id: member, until });
        continue;
      }
      const [id, issuedUpToMs] = JSON.parse(member) as [unknown, unknown];
      if (typeof id !== 'string' || typeof issuedUpToMs !== 'number') throw malformed;
      revocations.push({ kind, id, issuedUpToMs, until });
    }
  });
  return { redisNow, revocations };
}

/** A revocation from the channel, or `undefined` for a message that is not one. */
export function parseWire(message: string): TimedRevocation | undefined {
  let wire: Partial<WireRevocation>;
  try {
    wire = JSON.parse(message) as Partial<WireRevocation>;
  } catch {
    return undefined;
  }
  const { kind, id, until, issuedUpToMs } = wire ?? {};
  if (typeof id !== 'string' || id === '' || !(until === null || typeof until === 'number')) return undefined;
  const at = until ?? Number.POSITIVE_INFINITY;
  if (kind === 'token' || kind === 'session') return { kind, id, until: at };
  if (kind === 'subject' && typeof issuedUpToMs === 'number') return { kind, id, issuedUpToMs, until: at };
  return undefined;
}
