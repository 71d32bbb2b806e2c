import type * as RoutingControllersModule from 'routing-controllers';
import { PasetoConfigError } from '../errors';

/** The parts of routing-controllers the HTTP adapter calls at run time. */
export type RoutingControllers = Pick<typeof RoutingControllersModule, 'Authorized' | 'createParamDecorator' | 'getMetadataArgsStorage'>;

/** routing-controllers' metadata storage (controllers, actions, response handlers, middlewares). */
export type RoutingControllersMetadata = ReturnType<RoutingControllers['getMetadataArgsStorage']>;

let loaded: RoutingControllers | undefined;

/**
 * routing-controllers, loaded when an HTTP decorator or `withPaseto` is first used, never when the
 * package loads: it is an optional peer dependency, and a Socket.IO-only application does not
 * install it. Any load failure other than "not installed" is a real error and is rethrown.
 * @param feature - what needed it, for the error message
 * @throws PasetoConfigError when routing-controllers is not installed
 */
export function routingControllers(feature: string): RoutingControllers {
  if (loaded !== undefined) return loaded;
  try {
    // A runtime require, not an import: the import would make routing-controllers mandatory.
    loaded = require('routing-controllers') as RoutingControllers;
    return loaded;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : '';
    if (code === 'MODULE_NOT_FOUND' && message.includes("'routing-controllers'")) {
      throw new PasetoConfigError('routing-controllers', `${feature} needs the peer dependency routing-controllers: npm install routing-controllers`);
    }
    throw error;
  }
}
