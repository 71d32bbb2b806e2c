import { Container } from 'typedi';
import { PasetoConfigError } from './errors';
import { PASETO_CONFIG, PasetoAuthService } from './service';

/** A service, or a function giving one (called once). */
export type PasetoAuthSource = PasetoAuthService | (() => PasetoAuthService);

/**
 * Finds the service of an adapter: the one given, the factory's, or `Container.get(PasetoAuthService)`.
 * It resolves once; later calls give the same service, or throw the same error (a broken
 * configuration does not mend itself, and a single failure is easier to report than one per request).
 */
export interface ServiceSource {
  /** The service, resolved at the first call. */
  get(): PasetoAuthService;
  /**
   * True when resolving now cannot be too early: a service or a factory was given, or the options
   * are in the container (`Container.set(PASETO_CONFIG, ...)` ran). Adapters resolve at wiring then,
   * so a configuration mistake throws where the app is put together.
   */
  readonly ready: boolean;
  /** True once {@link get} has been called (successfully or not). */
  readonly resolved: boolean;
}

/** True when `Container.set(PASETO_CONFIG, ...)` ran (`Container.get` throws for a token never set). */
function configInContainer(): boolean {
  try {
    return Container.get(PASETO_CONFIG) !== undefined;
  } catch {
    return false;
  }
}

/** Options of {@link serviceSource}. */
export interface ServiceSourceOptions {
  /** The option name reported when the source is neither a service nor a factory. Default `auth`. */
  field?: string;
  /**
   * `false`: without a given source, every `get()` asks the container (which keeps the instance
   * until `Container.reset()`). For decorators, which live as long as the process while the
   * container's service may be replaced between tests. Default `true`.
   */
  cache?: boolean;
}

/**
 * The one way adapters find their {@link PasetoAuthService}.
 * @param source - the service, a factory `() => PasetoAuthService`, or `undefined` for the typedi container
 * @throws PasetoConfigError when `source` is neither a service nor a factory taking no argument
 */
export function serviceSource(source: PasetoAuthSource | undefined, options: ServiceSourceOptions = {}): ServiceSource {
  const field = options.field ?? 'auth';
  const cache = options.cache ?? true;
  // A factory takes no argument; a function that does is a user loader passed in the wrong place.
  if (typeof source === 'function' && source.length > 0) {
    throw new PasetoConfigError(field, 'expected a PasetoAuthService or a function () => PasetoAuthService; pass a user loader as { userLoader }');
  }
  if (source !== undefined && typeof source !== 'function' && !(source instanceof PasetoAuthService)) {
    throw new PasetoConfigError(field, 'expected a PasetoAuthService or a function () => PasetoAuthService');
  }
  let outcome: { readonly service: PasetoAuthService } | { readonly error: unknown } | undefined =
    source instanceof PasetoAuthService ? { service: source } : undefined;
  const resolve = (): PasetoAuthService => {
    const resolved: unknown = typeof source === 'function' ? source() : Container.get(PasetoAuthService);
    if (!(resolved instanceof PasetoAuthService)) throw new PasetoConfigError(field, 'the service factory did not return a PasetoAuthService');
    return resolved;
  };
  return {
    get() {
      if (outcome === undefined || (!cache && source === undefined)) {
        try {
          outcome = { service: resolve() };
        } catch (error) {
          outcome = { error };
        }
      }
      if ('error' in outcome) throw outcome.error;
      return outcome.service;
    },
    get ready() {
      return source !== undefined || configInContainer();
    },
    get resolved() {
      return outcome !== undefined;
    },
  };
}
