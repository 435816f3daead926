// Fingerprints are opaque bytes to clients; gcloud base64-decodes and re-encodes them, so they must be
// canonical base64 and are compared as bytes.
import { randomBytes } from 'node:crypto';

export function newFingerprint(): string {
  return randomBytes(8).toString('base64');
}

export function sameFingerprint(supplied: unknown, current: string): boolean {
  if (typeof supplied !== 'string' || supplied === '') return false;
  const a = Buffer.from(supplied.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return a.equals(Buffer.from(current, 'base64'));
}
