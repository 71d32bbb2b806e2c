import type { Request } from 'express';
import { useContainer, type IocAdapter } from 'routing-controllers';
import { Container, type ContainerInstance } from 'typedi';

/** Where an app keeps its own typedi container (`app.locals`). */
const CONTAINER_KEY = 'pasetoDemoContainer';

let installed = false;

/**
 * One typedi container per demo app, so that several apps (tests start one per suite, each with
 * its own key and denylist) never share a controller or a `PasetoAuthService`.
 * routing-controllers has a single, process-wide `useContainer`, but it passes the request's
 * `action`: we pick the container of the app that received the request. Anything else resolves
 * from typedi's global `Container` (or, failing that, routing-controllers' default), which is
 * what an application calling `useContainer(Container)` gets.
 * A single-app server needs none of this: `useContainer(Container)` and `Container.set(...)`.
 */
export function installAppScopedContainer(): void {
  if (installed) return;
  installed = true;
  const adapter: IocAdapter = {
    get(someClass, action) {
      const locals = (action?.request as Request | undefined)?.app?.locals as Record<string, unknown> | undefined;
      const scoped = locals?.[CONTAINER_KEY] as ContainerInstance | undefined;
      return (scoped ?? Container).get(someClass);
    },
  };
  useContainer(adapter, { fallback: true, fallbackOnErrors: true });
}

/**
 * A fresh typedi container for one app, registered on `app.locals`.
 *
 * @param locals - the express app's `locals`
 * @returns the container and a function that disposes of it
 */
export function createAppContainer(locals: Record<string, unknown>): { container: ContainerInstance; dispose(): void } {
  installAppScopedContainer();
  const id = `paseto-controllers-demo-${++sequence}`;
  const container = Container.of(id);
  locals[CONTAINER_KEY] = container;
  return {
    container,
    dispose: () => {
      Container.reset(id);
      delete locals[CONTAINER_KEY];
    },
  };
}

let sequence = 0;
