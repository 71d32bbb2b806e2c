/**
 * PEM import through node:crypto: Ed25519 for version 4, ECDSA P-384 for version 3.
 * A key of another type or curve is a {@link PasetoConfigError} naming the field.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { PasetoVersion } from '../config/options';
import { PasetoConfigError } from '../errors';

/** True when the text looks like a PEM block. */
export function isPem(text: string): boolean {
  return /^\s*-----BEGIN [A-Z0-9 ]+-----/.test(text);
}

/**
 * A hint for a PEM pasted on one line with literal `\n` escapes (e.g. a double-quoted env value
 * read by a shell, which does not expand them): the usual reason a PEM does not parse.
 */
function escapedNewlinesHint(pem: string): string {
  return pem.includes('\\n')
    ? " (the value holds literal '\\n' escapes instead of newlines: give the PEM its real line breaks, e.g. value.replace(/\\\\n/g, '\\n'), or use the ...File option)"
    : '';
}

/** What a version expects, for messages. */
function expectedKind(version: PasetoVersion): string {
  return version === 4 ? 'an Ed25519 key (version 4)' : 'an ECDSA P-384 key (version 3)';
}

/** A short description of a key's type and curve (no material). */
function describe(key: KeyObject): string {
  const type = key.asymmetricKeyType ?? 'unknown';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === undefined ? type : `${type} ${curve}`;
}

/** Throw unless `key` is of the type and curve of `version`. */
export function checkKeyType(key: KeyObject, version: PasetoVersion, field: string): void {
  const ok = version === 4 ? key.asymmetricKeyType === 'ed25519' : key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'secp384r1';
  if (!ok) throw new PasetoConfigError(field, `expected ${expectedKind(version)}, got a ${describe(key)} key`);
}

/** SPKI tail of an EC key whose point is the point at infinity: BIT STRING, 2 bytes, 0 unused bits, point `00`. */
const INFINITY_SPKI_TAIL = Buffer.from('03020000', 'hex');

/**
 * Refuse an EC key whose public point is the point at infinity, before anything reads its curve.
 * OpenSSL imports one without complaint (an SPKI whose point is the single byte `00`, a SEC 1 key
 * carrying such a point, or a private scalar of 0 or n), and node then aborts the whole process on
 * `asymmetricKeyDetails` or JWK export (a native assertion, not an exception) and crashes in
 * `verify`. Its DER export fails or shows the `00` point cleanly, so that is what we look at.
 * Points off the curve are refused by node's importer itself.
 */
function checkEcPoint(key: KeyObject, version: PasetoVersion, field: string): void {
  if (key.asymmetricKeyType !== 'ec') return;
  let valid: boolean;
  try {
    if (key.type === 'private') key.export({ format: 'der', type: 'pkcs8' });
    const publicKey = key.type === 'private' ? createPublicKey(key) : key;
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    valid = !spki.subarray(-INFINITY_SPKI_TAIL.length).equals(INFINITY_SPKI_TAIL);
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new PasetoConfigError(field, `the key's public point is the point at infinity (or not a valid point); expected ${expectedKind(version)}`);
  }
}

/** Import a PEM private key (PKCS#8 `PRIVATE KEY`, or SEC 1 `EC PRIVATE KEY`) for `version`. */
export function importPrivatePem(pem: string, version: PasetoVersion, field: string): KeyObject {
  if (/-----BEGIN PUBLIC KEY-----/.test(pem)) {
    throw new PasetoConfigError(field, `expected a PEM private key, got a public key (give it as publicKey)`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    // node's message is dropped: it is not needed and may quote the input.
    throw new PasetoConfigError(field, `could not read the PEM private key: expected an unencrypted PKCS#8 or SEC 1 PEM of ${expectedKind(version)}${escapedNewlinesHint(pem)}`);
  }
  checkEcPoint(key, version, field);
  checkKeyType(key, version, field);
  return key;
}

/** Import a PEM public key (SPKI `PUBLIC KEY`) for `version`. */
export function importPublicPem(pem: string, version: PasetoVersion, field: string): KeyObject {
  if (!/-----BEGIN PUBLIC KEY-----/.test(pem)) {
    throw new PasetoConfigError(field, `expected a PEM public key (-----BEGIN PUBLIC KEY-----) of ${expectedKind(version)}`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new PasetoConfigError(field, `could not read the PEM public key: expected an SPKI PEM of ${expectedKind(version)}${escapedNewlinesHint(pem)}`);
  }
  checkEcPoint(key, version, field);
  checkKeyType(key, version, field);
  return key;
}

/** Export a key as PEM: PKCS#8 for private keys, SPKI for public keys. */
export function exportPem(key: KeyObject): string {
  return key.type === 'private' ? key.export({ format: 'pem', type: 'pkcs8' }).toString() : key.export({ format: 'pem', type: 'spki' }).toString();
}
