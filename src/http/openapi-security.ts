/** What an OpenAPI document says of a guarded route: its token sources, security schemes, refusals and requirement text. */

import { STATUS_CODES } from 'node:http';
import type { ResolvedPasetoConfig } from '../config/options';
import { AUTH_PASETO_ERROR_CODES, PasetoConfigError, type AuthPasetoErrorCode } from '../errors';
import type { RoleRequirement } from '../tokens/types';
import { resolveHttpLocations } from '../transport/http';
import { mergeRouteRequirement } from './requirement';

/** The name of the error body schema under `components.schemas`. */
export const PASETO_ERROR_SCHEMA = 'AuthPasetoError';

/** Where a route looks its token up, one entry per location, in lookup order. */
export interface TokenSource {
  readonly in: 'header' | 'cookie' | 'query' | 'body';
  readonly name: string;
  /** The scheme before the token (`Bearer`), `null` for a bare token. */
  readonly prefix: string | null;
}

/** What a guarded route asks of its token, as documented. */
export interface RouteSecurity {
  readonly tokenType: string;
  readonly fresh: boolean;
  /** Without a token the call goes through (optional, no roles). */
  readonly optional: boolean;
  readonly roles: readonly RoleRequirement[];
  readonly sources: readonly TokenSource[];
}

export function describeRoute(entries: readonly unknown[], config: ResolvedPasetoConfig): RouteSecurity {
  // The checker's own merge rule, so the document says what the checker does.
  const { options, roles } = mergeRouteRequirement(entries);
  const refresh = options.refreshToken === true;
  const locations = resolveHttpLocations(options.location, config, (_code, message) => {
    throw new PasetoConfigError('location', message);
  });
  const sources = locations.map((location): TokenSource => {
    const key = options.tokenKey;
    const prefix = options.tokenPrefix;
    switch (location) {
      case 'headers':
        return { in: 'header', name: key ?? config.headerName, prefix: prefix !== undefined ? prefix : config.headerType };
      case 'cookies':
        return { in: 'cookie', name: key ?? (refresh ? config.refreshCookieKey : config.accessCookieKey), prefix: prefix ?? null };
      case 'query':
        return { in: 'query', name: key ?? config.queryKey, prefix: prefix ?? null };
      case 'json':
        return { in: 'body', name: key ?? (refresh ? config.jsonRefreshKey : config.jsonKey), prefix: prefix !== undefined ? prefix : config.jsonType };
    }
  });
  return {
    tokenType: refresh ? 'refresh' : (options.type ?? 'access'),
    fresh: !refresh && options.fresh === true,
    // Roles need a token even on an optional route.
    optional: options.optional === true && roles.length === 0,
    roles: roles.map((group) => ({ ...(group.all ? { all: [...group.all] } : {}), ...(group.any ? { any: [...group.any] } : {}) })),
    sources,
  };
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object under `key`, created when absent. */
export function objectAt(parent: JsonObject, key: string): JsonObject {
  const value = parent[key];
  if (value === undefined) return (parent[key] = {});
  if (!isObject(value)) throw new PasetoConfigError('openApiSpec', `${key} must be an object`);
  return value;
}

/** A security scheme and the name it is registered under unless that name is taken by another one. */
interface SchemeEntry {
  readonly name: string;
  readonly scheme: JsonObject;
}

export function schemeFor(source: TokenSource, config: ResolvedPasetoConfig): SchemeEntry | undefined {
  const token = `PASETO (v${config.version}.${config.purpose})`;
  const value = source.prefix === null ? '<token>' : `${source.prefix} <token>`;
  switch (source.in) {
    case 'header':
      if (source.name.toLowerCase() === 'authorization' && source.prefix?.toLowerCase() === 'bearer') {
        return {
          name: 'PasetoBearer',
          scheme: { type: 'http', scheme: 'bearer', bearerFormat: 'PASETO', description: `A ${token} in the Authorization header: \`Bearer <token>\`.` },
        };
      }
      return {
        name: 'PasetoHeader',
        scheme: { type: 'apiKey', in: 'header', name: source.name, description: `A ${token} in the ${source.name} header: \`${value}\`.` },
      };
    case 'cookie':
      return {
        name: source.name === config.refreshCookieKey ? 'PasetoRefreshCookie' : 'PasetoCookie',
        scheme: { type: 'apiKey', in: 'cookie', name: source.name, description: `A ${token} in the ${source.name} cookie.` },
      };
    case 'query':
      return {
        name: 'PasetoQuery',
        scheme: { type: 'apiKey', in: 'query', name: source.name, description: `A ${token} in the ${source.name} query parameter: \`${value}\`.` },
      };
    case 'body':
      // A token in the JSON body has no OpenAPI security scheme: the operation's x-paseto says where it goes.
      return undefined;
  }
}

/**
 * Adds schemes to `components.securitySchemes` under stable names: the usual name when it is free
 * or holds the same scheme, else the name suffixed with the token's header/cookie/parameter name.
 */
export function schemeRegistry(schemes: JsonObject): (entry: SchemeEntry, tokenName: string) => string {
  return ({ name, scheme }, tokenName) => {
    const wanted = JSON.stringify(scheme);
    const suffixed = `${name}.${tokenName.replace(/[^A-Za-z0-9._-]/g, '_')}`;
    for (let attempt = 0; ; attempt += 1) {
      const candidate = attempt === 0 ? name : attempt === 1 ? suffixed : `${suffixed}.${attempt}`;
      const existing = schemes[candidate];
      if (existing === undefined) {
        schemes[candidate] = scheme;
        return candidate;
      }
      if (JSON.stringify(existing) === wanted) return candidate;
    }
  };
}

/** The error body every refusal sends, `{ name, message, code, status }`. */
export function errorBodySchema(): JsonObject {
  return {
    type: 'object',
    description: 'The body of a refused request.',
    required: ['name', 'message', 'code', 'status'],
    properties: {
      name: { type: 'string', example: 'AuthPasetoError' },
      message: { type: 'string', description: 'Human-readable; never contains the token.' },
      code: { type: 'string', enum: [...AUTH_PASETO_ERROR_CODES], description: 'Stable machine-readable code.' },
      status: { type: 'integer', description: 'The HTTP status.' },
    },
  };
}

/** The codes a route can refuse a request with. */
export function refusalCodes(route: RouteSecurity, csrf: boolean, config: ResolvedPasetoConfig): AuthPasetoErrorCode[] {
  // A malformed value in a token location is refused, optional route or not.
  const codes: AuthPasetoErrorCode[] = ['bad_header'];
  if (!route.optional) codes.push('token_missing', 'invalid_token', 'token_expired', 'token_not_active', 'invalid_issuer', 'invalid_audience');
  codes.push('invalid_version', 'invalid_purpose', 'wrong_token_type');
  if (route.fresh) codes.push('fresh_token_required');
  if (config.denylistEnabled && config.denylistTokenChecks.includes(route.tokenType)) codes.push('token_revoked', 'denylist_unavailable');
  if (route.roles.length > 0) codes.push('insufficient_role');
  if (csrf) codes.push('csrf_failed');
  return codes;
}

/** One response per status (the configured `statusCodes`), listing its codes. */
export function refusalResponses(codes: readonly AuthPasetoErrorCode[], config: ResolvedPasetoConfig): Map<string, JsonObject> {
  const byStatus = new Map<number, AuthPasetoErrorCode[]>();
  for (const code of codes) {
    const status = config.statusCodes[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses = new Map<string, JsonObject>();
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const response: JsonObject = {
      description: `${STATUS_CODES[status] ?? 'Refused'} (PASETO): ${list.join(', ')}`,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${PASETO_ERROR_SCHEMA}` } } },
    };
    // The statuses the error handling sends an RFC 6750 challenge with.
    if (status === 400 || status === 401 || status === 403) {
      response.headers = { 'WWW-Authenticate': { description: 'RFC 6750 challenge, e.g. `Bearer error="invalid_token"`.', schema: { type: 'string' } } };
    }
    responses.set(String(status), response);
  }
  return responses;
}

function rolesText(roles: readonly RoleRequirement[]): string {
  const parts = roles.flatMap((group) => [
    ...(group.all && group.all.length > 0 ? [`the role${group.all.length > 1 ? 's' : ''} ${group.all.join(' and ')}`] : []),
    ...(group.any && group.any.length > 0 ? [`one of the roles ${group.any.join(', ')}`] : []),
  ]);
  return parts.length > 0 ? ` holding ${parts.join(' and ')}` : '';
}

/** The sentence appended to the operation's description. */
export function requirementText(route: RouteSecurity): string {
  const token = `${route.fresh ? 'fresh ' : ''}PASETO ${route.tokenType} token${rolesText(route.roles)}`;
  const body = route.sources.find((source) => source.in === 'body');
  const inBody = body ? ` The token may be sent in the JSON body field \`${body.name}\`.` : '';
  return route.optional
    ? `Authentication: optional ${token}; without one the call is anonymous.${inBody}`
    : `Authentication: requires a ${token}.${inBody}`;
}
