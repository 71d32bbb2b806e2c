/**
 * `@Public()` records, nothing more: `withPaseto(..., { secureByDefault: true })` reads the record
 * when it decides which routes get the default guard.
 */
const publicRoutes = new WeakMap<object, Set<string | symbol> | 'all'>();

/** A class or method decorator that records. */
export type PasetoPublicDecorator = (target: object, method?: string | symbol) => void;

/**
 * Opts a route (method) or every route of a controller (class) out of `secureByDefault`: it is
 * served without a token unless it carries a guard of its own (`@Authorized()`, `@PasetoRequired()`,
 * ...), which `withPaseto` refuses as a contradiction. Without `secureByDefault` it changes nothing.
 */
export function Public(): PasetoPublicDecorator {
  return (target, method) => {
    if (method === undefined) {
      publicRoutes.set(target, 'all');
      return;
    }
    const owner = (target as { constructor: object }).constructor;
    const recorded = publicRoutes.get(owner);
    if (recorded === 'all') return;
    if (recorded === undefined) publicRoutes.set(owner, new Set([method]));
    else recorded.add(method);
  };
}

/** True when `@Public()` is on the class itself. */
export function isPublicController(controller: object): boolean {
  return publicRoutes.get(controller) === 'all';
}

/** True when `@Public()` is on the method, as declared by `declaringClass`. */
export function isPublicMethod(declaringClass: object, method: string): boolean {
  const recorded = publicRoutes.get(declaringClass);
  return recorded !== undefined && recorded !== 'all' && recorded.has(method);
}
