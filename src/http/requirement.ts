import { PasetoConfigError } from '../errors';
import type { HttpTokenLocation } from '../config/options';
import { checkRequirementOptions } from './options';
import type { AuthenticateOptions, RoleRequirement } from '../tokens/types';

/**
 * What a route asks of its token: fastapi-paseto's `paseto_required` arguments plus roles.
 * Given to `@PasetoRequired(...)` (or `@Authorized(pasetoRequirement(...))`).
 */
export interface PasetoRequirementOptions extends AuthenticateOptions {
  /** Locations searched, in order; see `HttpTokenLookupOptions.location`. */
  location?: HttpTokenLocation | readonly HttpTokenLocation[];
  /** Header name / JSON key / query parameter / cookie name of the token on this route. */
  tokenKey?: string;
  /** Prefix before the token on this route (`null`: a bare token). */
  tokenPrefix?: string | null;
  /** Roles the token must all hold (added to string roles given to `@Authorized`), e.g. `['admin']`. */
  roles?: readonly string[];
  /** Roles of which the token must hold at least one. */
  anyRole?: readonly string[];
}

const REQUIREMENT = Symbol('paseto-controllers.requirement');

/**
 * A frozen, branded {@link PasetoRequirementOptions}. It travels in routing-controllers' roles
 * array beside string roles: `@PasetoRequired(x)` is `@Authorized(pasetoRequirement(x))`.
 */
export type PasetoRequirement = Readonly<PasetoRequirementOptions> & { readonly [REQUIREMENT]: true };

/**
 * Wraps options into a {@link PasetoRequirement}, for `@Authorized(['admin', pasetoRequirement({ fresh: true })])`.
 * The kind of token is always stated in full (`optional`, `refreshToken` and `type` get their
 * defaults written in), so a requirement on a method replaces the class's kind instead of
 * inheriting parts of it. Only `fresh` of an access-token requirement is left unset when not given,
 * so a class-level `fresh: true` still applies to it (write `fresh: false` to take any access token).
 */
export function pasetoRequirement(options: PasetoRequirementOptions = {}): PasetoRequirement {
  // Decoration-time mistakes: fail at startup rather than on every request.
  checkRequirementOptions(options);
  if (options.fresh && options.refreshToken) throw new PasetoConfigError('fresh', 'fresh and refreshToken cannot both be true');
  if (options.refreshToken && options.type !== undefined && options.type !== 'refresh') {
    throw new PasetoConfigError('type', `refreshToken: true takes a refresh token, not type '${options.type}': drop one of the two`);
  }
  const refreshToken = options.refreshToken === true;
  const type = refreshToken ? 'refresh' : (options.type ?? 'access');
  if (options.fresh && type !== 'access') throw new PasetoConfigError('fresh', `fresh: true applies to access tokens only, not type '${type}'`);
  const copy: PasetoRequirementOptions = { ...options, optional: options.optional === true, refreshToken, type };
  if (type !== 'access') copy.fresh = false;
  if (Array.isArray(copy.location)) copy.location = Object.freeze([...copy.location]);
  if (Array.isArray(copy.roles)) copy.roles = Object.freeze([...copy.roles]);
  if (copy.anyRole) copy.anyRole = Object.freeze([...copy.anyRole]);
  return Object.freeze(Object.assign(copy, { [REQUIREMENT]: true as const }));
}

/** True for a value made by {@link pasetoRequirement}. */
export function isPasetoRequirement(value: unknown): value is PasetoRequirement {
  return typeof value === 'object' && value !== null && (value as { [REQUIREMENT]?: unknown })[REQUIREMENT] === true;
}

const DEFAULT_GUARD = Symbol('paseto-controllers.default-guard');

/**
 * What `withPaseto(..., { secureByDefault: true })` puts in the roles array of a route that has no
 * guard of its own: a plain access-token requirement, for the apps wired by the `withPaseto` calls
 * in `owners` only. routing-controllers' metadata is shared by the process, so another app serving
 * the same controller without `secureByDefault` sees it and lets the route through untouched.
 */
export interface DefaultGuard {
  readonly [DEFAULT_GUARD]: Set<object>;
}

/** A new {@link DefaultGuard} owned by `owner`. */
export function defaultGuard(owner: object): DefaultGuard {
  return Object.freeze({ [DEFAULT_GUARD]: new Set([owner]) });
}

/** True for a value made by {@link defaultGuard}. */
export function isDefaultGuard(value: unknown): value is DefaultGuard {
  return typeof value === 'object' && value !== null && (value as { [DEFAULT_GUARD]?: unknown })[DEFAULT_GUARD] instanceof Set;
}

/** Makes `owner`'s app treat the guard as its own too. */
export function shareDefaultGuard(guard: DefaultGuard, owner: object): void {
  guard[DEFAULT_GUARD].add(owner);
}

const PLAIN_ACCESS = pasetoRequirement();

/** The requirement of one route: everything in its roles array, merged. */
export interface RouteRequirement {
  /** Nothing to check: the route only carries default guards of other apps. */
  readonly open: boolean;
  /** Verification and lookup options; method-level values override class-level ones (see {@link mergeRouteRequirement}). */
  readonly options: Omit<PasetoRequirementOptions, 'roles' | 'anyRole'>;
  /** Role groups: every group must pass (`all` roles all held, one of `any` held). */
  readonly roles: readonly RoleRequirement[];
}

/**
 * Merges routing-controllers' roles array (class-level entries first, then method-level ones):
 * strings are roles all required; requirements' options merge, later (method) ones winning for
 * each option they set; their `roles` add up and each `anyRole` is a group of its own. Since every
 * requirement states its kind of token in full ({@link pasetoRequirement}), a method's requirement
 * decides the kind: a class-level one cannot make it optional or change its type. A default guard
 * counts as a plain access requirement for its owners only.
 */
export function mergeRouteRequirement(entries: readonly unknown[], owner?: object): RouteRequirement {
  const all: string[] = [];
  const groups: RoleRequirement[] = [];
  let options: Omit<PasetoRequirementOptions, 'roles' | 'anyRole'> = {};
  let others = 0;
  for (const raw of entries) {
    let entry = raw;
    if (isDefaultGuard(raw)) {
      if (owner === undefined || !raw[DEFAULT_GUARD].has(owner)) continue;
      entry = PLAIN_ACCESS;
    }
    others += 1;
    if (typeof entry === 'string') {
      all.push(entry);
    } else if (isPasetoRequirement(entry)) {
      const { roles, anyRole, ...rest } = entry;
      if (roles) all.push(...roles);
      if (anyRole && anyRole.length > 0) groups.push({ any: anyRole });
      const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
      options = { ...options, ...defined };
    } else {
      throw new PasetoConfigError('roles', `@Authorized roles must be strings or pasetoRequirement(...) values, got ${typeof entry}`);
    }
  }
  if (all.length > 0) groups.unshift({ all });
  return { open: entries.length > 0 && others === 0, options, roles: groups };
}
