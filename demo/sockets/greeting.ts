import type { DemoUser } from '../users';

/** Event the server emits once a socket is accepted. */
export const GREETING_EVENT = 'greeting';

/** Payload of {@link GREETING_EVENT}. */
export interface Greeting {
  user: DemoUser;
  namespace: string;
  message: string;
}

/** The greeting for an authenticated user on a namespace. */
export function greetingFor(user: DemoUser, namespace: string): Greeting {
  return { user, namespace, message: `Hello, ${user.name}! You are connected to ${namespace}.` };
}
