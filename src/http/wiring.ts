import type { PasetoAuthService } from '../service';
import type { ServiceSource } from '../service-source';
import { InternalServerError } from './internal-error';

/**
 * The service of an HTTP adapter. When `eager` and the source is ready (a service or factory was
 * given, or `Container.set(PASETO_CONFIG, ...)` ran), it is resolved now, so a bad key or option
 * throws its `PasetoConfigError` where the app is wired. Otherwise it is resolved at the first
 * request; a failure then is logged once and each request it fails gets a bare 500
 * ({@link InternalServerError}): the configuration error never reaches a client.
 * @param adapter - names the adapter in the log line
 */
export function adapterService(source: ServiceSource, adapter: string, eager: boolean): () => PasetoAuthService {
  if (eager && source.ready) {
    const service = source.get();
    return () => service;
  }
  let logged = false;
  return () => {
    try {
      return source.get();
    } catch (error) {
      if (!logged) {
        logged = true;
        console.error(`paseto-controllers: ${adapter} could not get its PasetoAuthService; its requests are answered 500:`, error);
      }
      throw new InternalServerError();
    }
  };
}
