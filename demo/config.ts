import type { PasetoAuthOptions, PasetoPurpose, PasetoVersion } from '../src';
import { generateKeys } from '../src';

/** The key part of the service options, and where it came from. */
export interface DemoKeys {
  options: Pick<PasetoAuthOptions, 'version' | 'purpose' | 'secretKey' | 'privateKey' | 'publicKey'>;
  /** True when no key was configured and a throw-away development key was generated. */
  generated: boolean;
  /** PASERK id of a generated key (configured keys are identified by the service). */
  kid?: string;
}

/** Environment variables the demo reads; `paseto-controllers keygen` prints exactly these. */
export type DemoEnv = Partial<Record<'PASETO_SECRET_KEY' | 'PASETO_PRIVATE_KEY' | 'PASETO_PUBLIC_KEY' | 'PASETO_VERSION' | 'PASETO_PURPOSE' | 'PORT' | 'HOST', string>>;

/** `k3.…` / `k4.…` PASERK strings name their version; PEM and raw keys do not. */
function versionOf(key: string | undefined): PasetoVersion | undefined {
  if (key?.startsWith('k3.')) return 3;
  if (key?.startsWith('k4.')) return 4;
  return undefined;
}

/** A PEM pasted into one env line carries `\n` escapes (keygen prints it so); give it its newlines back. */
function unescape(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed.replace(/\\n/g, '\n') : undefined;
}

/**
 * Key options from the environment: `PASETO_SECRET_KEY` (local), or `PASETO_PRIVATE_KEY`
 * (+ optional `PASETO_PUBLIC_KEY`) for public tokens; `PASETO_VERSION` / `PASETO_PURPOSE` when the
 * keys do not say (PEM). Nothing set: a development key generated for this process only.
 *
 * @throws Error naming the variable when the combination cannot work
 */
export function demoKeysFromEnv(env: DemoEnv): DemoKeys {
  const secretKey = unescape(env.PASETO_SECRET_KEY);
  const privateKey = unescape(env.PASETO_PRIVATE_KEY);
  const publicKey = unescape(env.PASETO_PUBLIC_KEY);
  const versionText = env.PASETO_VERSION?.trim();
  if (versionText && versionText !== '3' && versionText !== '4') throw new Error(`PASETO_VERSION must be 3 or 4, got '${versionText}'`);
  const purposeText = env.PASETO_PURPOSE?.trim();
  if (purposeText && purposeText !== 'local' && purposeText !== 'public') throw new Error(`PASETO_PURPOSE must be local or public, got '${purposeText}'`);

  const purpose: PasetoPurpose | undefined = (purposeText as PasetoPurpose | undefined) ?? (secretKey ? 'local' : privateKey || publicKey ? 'public' : undefined);
  const version = (versionText ? (Number(versionText) as PasetoVersion) : undefined) ?? versionOf(secretKey ?? privateKey ?? publicKey) ?? 4;

  if (purpose === 'local') {
    if (!secretKey) throw new Error('PASETO_PURPOSE=local needs PASETO_SECRET_KEY');
    return { options: { version, purpose, secretKey }, generated: false };
  }
  if (purpose === 'public') {
    // The demo issues tokens, so it needs the signing half; the public half is derived when absent.
    if (!privateKey) throw new Error('PASETO_PURPOSE=public needs PASETO_PRIVATE_KEY (the demo signs tokens)');
    return { options: { version, purpose, privateKey, ...(publicKey ? { publicKey } : {}) }, generated: false };
  }
  const generated = generateKeys({ version, purpose: 'local' });
  return { options: { version, purpose: 'local', secretKey: generated.secretKey }, generated: true, kid: generated.kid };
}
