import type { ResolvedPasetoConfig } from '../config/options';
import { PasetoConfigError } from '../errors';
import { serviceSource, type PasetoAuthSource } from '../service-source';
import {
  PASETO_ERROR_SCHEMA,
  describeRoute,
  errorBodySchema,
  isObject,
  objectAt,
  refusalCodes,
  refusalResponses,
  requirementText,
  schemeFor,
  schemeRegistry,
  type JsonObject,
  type RouteSecurity,
  type TokenSource,
} from './openapi-security';

/**
 * An OpenAPI 3 document, structurally: the object `routingControllersToSpec(...)` of
 * routing-controllers-openapi returns fits, and so does any hand-written one. Only `paths` and
 * `components` are read.
 */
export interface OpenApiDocumentLike {
  openapi: string;
  paths?: object;
  components?: object;
}

/** Options of {@link withPasetoSecurity}. */
export interface PasetoOpenApiOptions {
  /** The service whose configuration (token locations, names, status codes) is documented. Default: `Container.get(PasetoAuthService)`. */
  auth?: PasetoAuthSource;
  /**
   * The controller classes of the app (those given to `useExpressServer`). With them only their routes
   * are documented (another class of the same name and route elsewhere in the process is not
   * mistaken for them), and a guarded route missing from the document is an error instead of going
   * undocumented.
   */
  // Function, as routing-controllers types its own controller lists: the same array fits here.
  controllers?: readonly Function[];
}

type ControllerClass = Function;

/**
 * The guard entries of a route (routing-controllers' roles array: class-level entries first), or
 * `null` when the route has no guard. The one place that decides which operations are guarded:
 * a secure-by-default mode answers `[]` here for a route without its own guard.
 */
export type RouteGuardLookup = (target: ControllerClass, method: string) => readonly unknown[] | null;

/** The parts of routing-controllers' metadata storage read here. */
interface MetadataStorageLike {
  readonly controllers: readonly { readonly target: ControllerClass; readonly route?: unknown }[];
  readonly actions: readonly { readonly target: ControllerClass; readonly method: string; readonly type: string; readonly route?: unknown }[];
  readonly responseHandlers: readonly { readonly type: string; readonly target: ControllerClass; readonly method?: string; readonly value?: unknown }[];
}

/** routing-controllers is loaded only when a document is built, so the package loads without it. */
function metadataStorage(): MetadataStorageLike {
  let module: { getMetadataArgsStorage(): MetadataStorageLike };
  try {
    module = require('routing-controllers') as typeof module;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'MODULE_NOT_FOUND' && error instanceof Error && error.message.includes("'routing-controllers'")) {
      throw new PasetoConfigError('routing-controllers', "withPasetoSecurity reads routing-controllers' route metadata: npm install routing-controllers");
    }
    throw error;
  }
  return module.getMetadataArgsStorage();
}

/** `[].concat(value || [])`, as routing-controllers builds a roles array. */
function entriesOf(value: unknown): readonly unknown[] {
  if (!value) return [];
  return Array.isArray(value) ? (value as unknown[]) : [value];
}

/**
 * The guard of a route as routing-controllers itself finds it (ControllerMetadata / ActionMetadata):
 * the first class-level and the first method-level `authorized` handler, entries concatenated.
 */
export function authorizedGuardLookup(storage: MetadataStorageLike): RouteGuardLookup {
  return (target, method) => {
    const handlers = storage.responseHandlers.filter((handler) => handler.type === 'authorized' && handler.target === target);
    const onClass = handlers.find((handler) => !handler.method);
    const onMethod = handlers.find((handler) => handler.method === method);
    if (onClass === undefined && onMethod === undefined) return null;
    return [...entriesOf(onClass?.value), ...entriesOf(onMethod?.value)];
  };
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** A controller action, with what identifies its operation in a document. */
interface ActionRef {
  readonly target: ControllerClass;
  readonly method: string;
  /** The HTTP method, lower case as in a path item. */
  readonly verb: string;
  /** Controller route + action route with parameters blanked, or `undefined` for a RegExp route. */
  readonly path: string | undefined;
}

/** `/users/:id` and `/users/{id}` both become `/users/{}`, so an express route and an OpenAPI path compare. */
function blankParameters(path: string): string {
  return path.replace(/\{[^}]*\}/g, '{}').replace(/:[A-Za-z0-9_]+(\([^)]*\))?\??/g, '{}');
}

/** The controller actions of the process (or of `controllers`) by routing-controllers-openapi's operationId. */
function actionsByOperationId(storage: MetadataStorageLike, controllers: readonly ControllerClass[] | undefined): Map<string, ActionRef[]> {
  const byId = new Map<string, ActionRef[]>();
  for (const { target, method, type, route } of storage.actions) {
    if (controllers !== undefined && !controllers.includes(target)) continue;
    const base = storage.controllers.find((controller) => controller.target === target)?.route;
    const path = (base === undefined || typeof base === 'string') && (route === undefined || typeof route === 'string') ? blankParameters(`${base ?? ''}${route ?? ''}`) : undefined;
    // routing-controllers-openapi's getOperationId: `${ClassName}.${methodName}`.
    const id = `${target.name}.${method}`;
    byId.set(id, [...(byId.get(id) ?? []), { target, method, verb: type.toLowerCase(), path }]);
  }
  return byId;
}

/**
 * The actions an operation documents: same operationId, same HTTP method, and a path ending with
 * the action's route (the document's may carry a `routePrefix`). Two classes of one name in one
 * process give the same operationId; their routes usually tell them apart.
 */
function actionsOf(operationId: string, verb: string, path: string, actions: ReadonlyMap<string, readonly ActionRef[]>): readonly ActionRef[] {
  const blanked = blankParameters(path);
  return (actions.get(operationId) ?? []).filter((action) => action.verb === verb && (action.path === undefined || blanked.endsWith(action.path)));
}

function checkControllers(controllers: unknown): readonly ControllerClass[] | undefined {
  if (controllers === undefined) return undefined;
  if (!Array.isArray(controllers) || !controllers.every((entry) => typeof entry === 'function')) {
    throw new PasetoConfigError('controllers', 'must be a list of controller classes (not glob strings)');
  }
  return controllers as ControllerClass[];
}

function cloneDocument(spec: unknown): JsonObject {
  if (!isObject(spec) || typeof spec.openapi !== 'string' || !spec.openapi.startsWith('3.')) {
    throw new PasetoConfigError('openApiSpec', 'expected an OpenAPI 3 document (an object whose openapi field is "3.x.y")');
  }
  return structuredClone(spec);
}

/**
 * Documents PASETO authentication in an OpenAPI 3 document, such as the one
 * `routingControllersToSpec(getMetadataArgsStorage(), routingControllersOptions)` of
 * routing-controllers-openapi builds. Returns a new document (the input is not changed) with:
 *
 * - `components.securitySchemes`: the schemes the configuration implies: `PasetoBearer`
 *   (`http` bearer, `bearerFormat: 'PASETO'`) for the `Authorization: Bearer` header, else
 *   `PasetoHeader` (an `apiKey` header); `PasetoCookie` and `PasetoQuery` (`apiKey`) when `cookies`
 *   / `query` are token locations; more for routes that name other locations or keys;
 * - `components.schemas.AuthPasetoError`: the error body `{ name, message, code, status }`;
 * - on each operation guarded by `@Authorized`, `@PasetoRequired` or its sugar (class or method):
 *   `security` (any one of its token locations; optional routes also `{}`), error responses per
 *   configured status (401, 403 with roles, 400 `bad_header`, …) unless the operation already
 *   documents that status, the CSRF header on cookie routes that need it, an `x-paseto` extension
 *   (`{ tokenType, fresh, optional, roles, locations }`) and a sentence in `description` (OpenAPI 3.0
 *   has no scopes for bearer or API keys, so roles are said there).
 *
 * Operations are matched to routes by routing-controllers-openapi's operationId (`ClassName.method`),
 * HTTP method and route. Unguarded operations, and operations of no known route, are left as they are.
 *
 * @throws PasetoConfigError when the document is not OpenAPI 3, when two controllers of the same
 *   name document differently (pass `controllers`), or when a guarded route of `controllers` has no
 *   operation in the document
 */
export function withPasetoSecurity<T extends OpenApiDocumentLike>(openApiSpec: T, options: PasetoOpenApiOptions = {}): T {
  const document = cloneDocument(openApiSpec);
  const controllers = checkControllers(options.controllers);
  const config = serviceSource(options.auth).get().config;
  const storage = metadataStorage();
  return addPasetoSecurity(document, config, actionsByOperationId(storage, controllers), authorizedGuardLookup(storage), controllers !== undefined) as T;
}

function addPasetoSecurity(
  document: JsonObject,
  config: ResolvedPasetoConfig,
  actions: ReadonlyMap<string, readonly ActionRef[]>,
  guardOf: RouteGuardLookup,
  everyGuardDocumented: boolean,
): JsonObject {
  const components = objectAt(document, 'components');
  const register = schemeRegistry(objectAt(components, 'securitySchemes'));
  objectAt(components, 'schemas')[PASETO_ERROR_SCHEMA] = errorBodySchema();
  const schemesOf = (route: RouteSecurity): string[] => {
    const names = route.sources.flatMap((source) => {
      const entry = schemeFor(source, config);
      return entry ? [register(entry, source.name)] : [];
    });
    return [...new Set(names)];
  };
  // The configuration's own schemes, whether or not a route uses them yet.
  schemesOf(describeRoute([], config));

  const documented = new Set<ActionRef>();
  for (const [path, pathItem] of Object.entries(objectAt(document, 'paths'))) {
    if (!isObject(pathItem)) continue;
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!isObject(operation) || typeof operation.operationId !== 'string') continue;
      const candidates = actionsOf(operation.operationId, method, path, actions);
      if (candidates.length === 0) continue;
      for (const action of candidates) documented.add(action);
      const described = candidates.map(({ target, method: name }) => {
        const entries = guardOf(target, name);
        return entries === null ? null : describeRoute(entries, config);
      });
      if (new Set(described.map((route) => JSON.stringify(route))).size > 1) {
        throw new PasetoConfigError(
          'controllers',
          `several controller classes give the operation ${operation.operationId}: pass the app's controller classes ({ controllers: [...] })`,
        );
      }
      const route = described[0];
      if (route !== null) documentOperation(operation, method, route, config, schemesOf(route));
    }
  }
  if (everyGuardDocumented) {
    for (const [id, list] of actions) {
      for (const action of list) {
        if (!documented.has(action) && guardOf(action.target, action.method) !== null) {
          throw new PasetoConfigError('controllers', `${id} is guarded but the document has no ${action.verb.toUpperCase()} operation ${id} at its route`);
        }
      }
    }
  }
  return document;
}

function documentOperation(operation: JsonObject, method: string, route: RouteSecurity, config: ResolvedPasetoConfig, schemes: readonly string[]): void {
  if (schemes.length > 0) operation.security = [...(route.optional ? [{}] : []), ...schemes.map((name) => ({ [name]: [] }))];

  const cookie = route.sources.find((source) => source.in === 'cookie');
  const csrf = cookie !== undefined && config.cookieCsrfProtect && config.csrfMethods.includes(method.toUpperCase());
  if (csrf) addCsrfParameter(operation, cookie, config);

  const responses = objectAt(operation, 'responses');
  for (const [status, response] of refusalResponses(refusalCodes(route, csrf, config), config)) {
    // The application's own documentation of a status wins.
    if (responses[status] === undefined) responses[status] = response;
  }

  operation['x-paseto'] = {
    tokenType: route.tokenType,
    fresh: route.fresh,
    optional: route.optional,
    roles: route.roles,
    locations: route.sources,
  };
  const sentence = requirementText(route);
  const description = typeof operation.description === 'string' ? operation.description : '';
  if (!description.endsWith(sentence)) operation.description = description === '' ? sentence : `${description}\n\n${sentence}`;
}

function addCsrfParameter(operation: JsonObject, cookie: TokenSource, config: ResolvedPasetoConfig): void {
  const parameters = Array.isArray(operation.parameters) ? (operation.parameters as unknown[]) : (operation.parameters = []);
  const name = config.csrfHeaderName;
  const present = parameters.some((parameter) => isObject(parameter) && parameter.in === 'header' && String(parameter.name).toLowerCase() === name.toLowerCase());
  if (present) return;
  const csrfCookie = cookie.name === config.refreshCookieKey ? config.refreshCsrfCookieKey : config.accessCsrfCookieKey;
  parameters.push({
    name,
    in: 'header',
    required: false,
    description: `Double-submit CSRF check: the value of the ${csrfCookie} cookie. Required when the token comes from the ${cookie.name} cookie.`,
    schema: { type: 'string' },
  });
}
