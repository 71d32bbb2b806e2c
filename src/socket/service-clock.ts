import { systemClock, type PasetoClock } from '../clock';
import type { PasetoAuthService } from '../service';

/**
 * The clock of a service: live-session timers and per-packet checks read time here, so a test
 * clock given to the service drives them. The one place that knows where the service keeps it.
 */
export function serviceClock(auth: PasetoAuthService): PasetoClock {
  return (auth as { readonly clock?: PasetoClock }).clock ?? systemClock;
}
