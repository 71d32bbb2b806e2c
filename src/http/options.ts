import { PasetoConfigError } from '../errors';
import { HTTP_LOCATIONS } from '../config/schema';

/**
 * Option checks of the HTTP adapter, run when a checker, decorator or `withPaseto` is created so a
 * mistake fails at start-up with a {@link PasetoConfigError} naming the field — never on a request,
 * and never by silently leaving a route open (`role: ['admin']` for `roles`).
 */

/** Refuses anything but a plain object, and keys not in `known`. */
export function checkKnownKeys(options: unknown, known: readonly string[], where: string, field: string = 'options'): Record<string, unknown> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new PasetoConfigError(field, `${where}: expected an options object`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new PasetoConfigError(key, `${where}: unknown option (known options: ${known.join(', ')})`);
  }
  return options as Record<string, unknown>;
}

export function checkBoolean(options: Record<string, unknown>, key: string, where: string): void {
  const value = options[key];
  if (value !== undefined && typeof value !== 'boolean') throw new PasetoConfigError(key, `${where}: expected true or false, got ${describe(value)}`);
}

function checkName(options: Record<string, unknown>, key: string, where: string): void {
  const value = options[key];
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new PasetoConfigError(key, `${where}: expected a non-empty string, got ${describe(value)}`);
  }
}

function checkRoleList(options: Record<string, unknown>, key: string, where: string, nonEmpty: boolean): void {
  const value = options[key];
  if (value === undefined) return;
  if (typeof value === 'string') throw new PasetoConfigError(key, `${where}: expected a list of role names, e.g. ['${value}']`);
  if (!Array.isArray(value) || value.some((role) => typeof role !== 'string' || role === '')) {
    throw new PasetoConfigError(key, `${where}: expected a list of non-empty role names, got ${describe(value)}`);
  }
  if (nonEmpty && value.length === 0) throw new PasetoConfigError(key, `${where}: an empty list would refuse every token; name at least one role`);
}

function checkLocation(options: Record<string, unknown>, where: string): void {
  const value = options.location;
  if (value === undefined) return;
  const list: unknown = typeof value === 'string' ? [value] : value;
  const allowed = HTTP_LOCATIONS.map((location) => `'${location}'`).join(', ');
  if (!Array.isArray(list) || list.length === 0) throw new PasetoConfigError('location', `${where}: expected one of ${allowed} or a non-empty list of them`);
  for (const entry of list) {
    if (!(HTTP_LOCATIONS as readonly unknown[]).includes(entry)) {
      const hint = entry === 'auth' ? " ('auth' is the Socket.IO handshake payload)" : '';
      throw new PasetoConfigError('location', `${where}: '${String(entry)}' is not an HTTP token location${hint}; use ${allowed}`);
    }
  }
  if (new Set(list).size !== list.length) throw new PasetoConfigError('location', `${where}: a location is listed twice`);
}

/** Every option of a route requirement (`@PasetoRequired`, `pasetoRequirement`). */
const REQUIREMENT_KEYS = [
  'fresh',
  'refreshToken',
  'type',
  'optional',
  'base64Encoded',
  'implicitAssertion',
  'location',
  'tokenKey',
  'tokenPrefix',
  'roles',
  'anyRole',
] as const;

/** Checks the options of a route requirement; the combinations of kinds are checked by `pasetoRequirement`. */
export function checkRequirementOptions(options: unknown, where: string = '@PasetoRequired'): void {
  const given = checkKnownKeys(options, REQUIREMENT_KEYS, where, 'requirement');
  for (const key of ['fresh', 'refreshToken', 'optional', 'base64Encoded']) checkBoolean(given, key, where);
  checkName(given, 'type', where);
  checkName(given, 'tokenKey', where);
  if (given.tokenPrefix !== undefined && given.tokenPrefix !== null && (typeof given.tokenPrefix !== 'string' || given.tokenPrefix === '')) {
    throw new PasetoConfigError('tokenPrefix', `${where}: expected a non-empty string, or null for a bare token`);
  }
  const assertion = given.implicitAssertion;
  if (assertion !== undefined && typeof assertion !== 'string' && !(assertion instanceof Uint8Array)) {
    throw new PasetoConfigError('implicitAssertion', `${where}: expected a string or a Uint8Array`);
  }
  checkLocation(given, where);
  checkRoleList(given, 'roles', where, false);
  checkRoleList(given, 'anyRole', where, true);
}

/** Checks `bodyLimit` (bytes): a positive integer. */
export function checkBodyLimit(options: Record<string, unknown>, where: string): void {
  const value = options.bodyLimit;
  if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)) {
    throw new PasetoConfigError('bodyLimit', `${where}: expected a positive whole number of bytes, got ${describe(value)}`);
  }
}

/** Checks `userLoader`: a function. */
export function checkUserLoader(options: Record<string, unknown>, where: string): void {
  if (options.userLoader !== undefined && typeof options.userLoader !== 'function') {
    throw new PasetoConfigError('userLoader', `${where}: expected a function (token, action) => user`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : typeof value;
}
