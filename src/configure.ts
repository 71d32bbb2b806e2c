import { Container, type Token } from 'typedi';
import type { PasetoAuthOptions } from './config/options';
import { PASETO_CONFIG } from './service';

/** What {@link configurePaseto} needs of a typedi container: the global `Container` or a `ContainerInstance`. */
export interface OptionsContainer {
  set(token: Token<PasetoAuthOptions>, options: PasetoAuthOptions): unknown;
}

/**
 * Registers the options `Container.get(PasetoAuthService)` (and the checkers, decorators and
 * socket middleware that use it) will be built with: `Container.set(PASETO_CONFIG, options)`,
 * typed. typedi's own `Container.set` takes any value for a token, so a misspelt option there
 * compiles and only fails at run time; here it is a type error in the editor.
 *
 * @param options - the service's options
 * @param container - the typedi container; defaults to the global `Container`
 */
export function configurePaseto(options: PasetoAuthOptions, container: OptionsContainer = Container): void {
  container.set(PASETO_CONFIG, options);
}
