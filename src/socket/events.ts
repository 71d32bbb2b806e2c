import { ErrorMessages, PasetoConfigError, type AuthPasetoError } from '../errors';
import type { PasetoAuthService } from '../service';
import type { VerifiedToken } from '../tokens/types';
import { sessionDeadline } from './live-session';
import { SOCKET_EVENT_REFUSED_EVENT, SOCKET_REAUTH_EVENT, type SocketEventRefusedAck, type SocketEventRefusedData } from './names';
import { checkOptions, REQUIREMENT_CHECKS } from './options';
import { getSocketAuth, type LiveSocket } from './record';

/** What one event (or family of events) asks of the socket's token, beyond the namespace's requirement. */
export interface SocketEventRule {
  /** Every one of these roles (`insufficient_role`, 403). */
  readonly roles?: readonly string[];
  /** At least one of these roles. */
  readonly anyRole?: readonly string[];
  /** A fresh access token (`fresh_token_required`). */
  readonly fresh?: boolean;
  /** This `type` claim (`wrong_token_type`). */
  readonly type?: string;
}

/**
 * Per-event guards of a namespace (option `events`): an exact event name, or a prefix ending in `*`
 * (`'admin:*'`; `'*'` alone is every event). An exact name wins over prefixes, a longer prefix over
 * a shorter one.
 */
export type SocketEventRules = Readonly<Record<string, SocketEventRule>>;

/** The rules, resolved for matching. */
export interface ResolvedEventRules {
  readonly exact: ReadonlyMap<string, SocketEventRule>;
  /** Longest prefix first. */
  readonly prefixes: ReadonlyArray<readonly [string, SocketEventRule]>;
}

/** The checks of a rule's options. */
export const SOCKET_EVENT_RULE_CHECKS = { roles: REQUIREMENT_CHECKS.roles, anyRole: REQUIREMENT_CHECKS.anyRole, fresh: REQUIREMENT_CHECKS.fresh, type: REQUIREMENT_CHECKS.type };

/**
 * Validates option `events` when the middleware is created.
 * @throws PasetoConfigError naming the field (`events`, `events.<name>`, `events.<name>.<option>`)
 */
export function resolveEventRules(events: SocketEventRules | undefined): ResolvedEventRules | undefined {
  if (events === undefined) return undefined;
  if (typeof events !== 'object' || events === null || Array.isArray(events)) {
    throw new PasetoConfigError('events', "must map event names to rules, e.g. { 'admin:*': { roles: ['admin'] } }");
  }
  const exact = new Map<string, SocketEventRule>();
  const prefixes: Array<readonly [string, SocketEventRule]> = [];
  for (const [name, rule] of Object.entries(events)) {
    const star = name.indexOf('*');
    if (name === '' || (star >= 0 && star !== name.length - 1)) {
      throw new PasetoConfigError(`events.${name}`, "must be an event name, or a prefix ending in '*' such as 'admin:*'");
    }
    if (name === SOCKET_REAUTH_EVENT) throw new PasetoConfigError(`events.${name}`, 'is answered by the middleware itself and cannot be guarded');
    checkOptions(rule, SOCKET_EVENT_RULE_CHECKS, `events.${name}.`);
    if (rule === undefined) throw new PasetoConfigError(`events.${name}`, 'must be a rule object such as { roles: [...] }');
    const frozen = Object.freeze({ ...rule });
    if (star < 0) exact.set(name, frozen);
    else prefixes.push([name.slice(0, -1), frozen]);
  }
  prefixes.sort((a, b) => b[0].length - a[0].length);
  return { exact, prefixes };
}

/** The rule of an event, if any. */
export function ruleFor(rules: ResolvedEventRules, event: string): SocketEventRule | undefined {
  const exact = rules.exact.get(event);
  if (exact !== undefined) return exact;
  for (const [prefix, rule] of rules.prefixes) if (event.startsWith(prefix)) return rule;
  return undefined;
}

/**
 * Judges one packet in memory, without cryptography: the token was verified at connection or
 * re-authentication. The session must be live (not ended, not revoked as far as this process
 * knows, not past `exp` plus leeway on the service's clock), and the token must meet `rule`.
 * @returns the refusal, or `undefined` to let the event through
 */
export function judgeEvent(
  auth: PasetoAuthService,
  token: VerifiedToken | null,
  ended: boolean,
  rule: SocketEventRule | undefined,
): AuthPasetoError | undefined {
  if (ended) return auth.error('token_revoked', ErrorMessages.revoked);
  if (token !== null) {
    const deadline = sessionDeadline(auth, token);
    if (deadline !== null && auth.clock.now() > deadline) return auth.error('token_expired', ErrorMessages.expired);
  }
  if (rule === undefined) return undefined;
  if (token === null) return auth.error('token_missing', ErrorMessages.tokenMissing);
  // A token and a rule never change: judge the pair once (this runs for every packet).
  let verdicts = ruleVerdicts.get(token);
  if (verdicts === undefined) ruleVerdicts.set(token, (verdicts = new WeakMap()));
  let verdict = verdicts.get(rule);
  if (verdict === undefined) verdicts.set(rule, (verdict = { refusal: judgeRule(auth, token, rule) }));
  return verdict.refusal;
}

/** The verdicts of the rules a token was judged against. */
const ruleVerdicts = new WeakMap<VerifiedToken, WeakMap<SocketEventRule, { readonly refusal: AuthPasetoError | undefined }>>();

function judgeRule(auth: PasetoAuthService, token: VerifiedToken, rule: SocketEventRule): AuthPasetoError | undefined {
  if (rule.type !== undefined && token.type !== rule.type) {
    const message = rule.type === 'access' ? `Access token required but ${token.type} provided` : `${rule.type} token required but ${token.type} provided`;
    return auth.error('wrong_token_type', message);
  }
  if (rule.fresh === true && token.fresh !== true) return auth.error('fresh_token_required', ErrorMessages.notFresh);
  try {
    auth.checkRoles(token, { all: rule.roles, any: rule.anyRole });
  } catch (error) {
    return error as AuthPasetoError;
  }
  return undefined;
}

/**
 * Answers a refused event: its acknowledgement gets `{ error: { code, status, message } }`; without
 * one the server emits {@link SOCKET_EVENT_REFUSED_EVENT}. The handler never runs; the socket stays.
 */
export function refuseEvent(socket: Pick<LiveSocket, 'emit'>, event: string, ack: unknown, error: AuthPasetoError): void {
  const refusal = { code: error.code, status: error.httpCode, message: error.message };
  if (typeof ack === 'function') {
    const answer: SocketEventRefusedAck = { error: refusal };
    (ack as (answer: SocketEventRefusedAck) => void)(answer);
  } else {
    const data: SocketEventRefusedData = { event, ...refusal };
    socket.emit(SOCKET_EVENT_REFUSED_EVENT, data);
  }
}

/**
 * Installs the packet check of a connected socket (`socket.use`): every event but the re-auth one
 * is judged by {@link judgeEvent}; a refused event stops there.
 */
export function guardEvents(socket: LiveSocket, auth: PasetoAuthService, rules: ResolvedEventRules, hasEnded: (socket: LiveSocket) => boolean): void {
  socket.use((packet, next) => {
    const event = packet[0];
    if (typeof event !== 'string' || event === SOCKET_REAUTH_EVENT) {
      next();
      return;
    }
    const refusal = judgeEvent(auth, getSocketAuth(socket), hasEnded(socket), ruleFor(rules, event));
    if (refusal === undefined) next();
    else refuseEvent(socket, event, packet[packet.length - 1], refusal);
  });
}
