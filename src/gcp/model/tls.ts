// Certificates from an Ingress's TLS Secrets: the PEM pair is read from the repository's Secret
// (`data` base64 or `stringData`), checked to parse and to match before any call, and named by the
// certificate's content. Messages name the Secret and the key, never the material.
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import type { KubeObject } from '../../model/index.js';

export type CertificateMaterial = {
  certificate: string;
  privateKey: string;
  /** `sha256:<16 hex>` of the certificate: what plans show instead of the PEM. */
  digest: string;
  subject: string;
  notAfter: string;
};

function field(secret: KubeObject, key: string): string | undefined {
  const stringData = secret.stringData as Record<string, unknown> | undefined;
  if (typeof stringData?.[key] === 'string') return stringData[key];
  const data = secret.data as Record<string, unknown> | undefined;
  const b64 = data?.[key];
  return typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('utf8') : undefined;
}

export function certificateDigest(pem: string): string {
  return `sha256:${createHash('sha256').update(pem.trim()).digest('hex').slice(0, 16)}`;
}

/** The pair of a TLS Secret, or why it cannot be used. */
export function readTlsSecret(secret: KubeObject): CertificateMaterial | string {
  const certificate = field(secret, 'tls.crt');
  const privateKey = field(secret, 'tls.key');
  if (!certificate || !privateKey) return 'needs both tls.crt and tls.key';
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificate);
  } catch {
    return 'tls.crt is not a PEM certificate';
  }
  try {
    if (!cert.checkPrivateKey(createPrivateKey(privateKey))) return 'tls.key does not match tls.crt';
  } catch {
    return 'tls.key is not a PEM private key';
  }
  return {
    certificate: certificate.trim() + '\n',
    privateKey,
    digest: certificateDigest(certificate),
    subject: cert.subject.replace(/\n/g, ', '),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}
