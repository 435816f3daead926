// TLS material of the simulated API servers. kubectl sends bearer tokens only over TLS, so the
// simulator also speaks https. This self-signed certificate (127.0.0.1 and localhost, valid until
// 2126) is its own CA; the key protects nothing but local simulators and is public on purpose.

export const simCertPem = `-----BEGIN CERTIFICATE-----
MIIBxjCCAWygAwIBAgIUXVtm2WFwRgCnUXIKWw93hf9TTZwwCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLZmVkc3luYy1zaW0wIBcNMjYxMTI2MTU0MzAzWhgPMjEyNjEx
MDIxNTQzMDNaMBYxFDASBgNVBAMMC2ZlZHN5bmMtc2ltMFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEJswC0mUNWasjgQIySz3czUWUZ8KRQoDfmV/so7gBeIB4Mj9x
mQJ8rYAo2HIOXylCMOquGmV+nAKn0CQy4/QLeaOBlTCBkjAdBgNVHQ4EFgQU7gFO
sNTJAtPmIOewz+76I2m1wCwwHwYDVR0jBBgwFoAU7gFOsNTJAtPmIOewz+76I2m1
wCwwGgYDVR0RBBMwEYcEfwAAAYIJbG9jYWxob3N0MA8GA1UdEwEB/wQFMAMBAf8w
DgYDVR0PAQH/BAQDAgKEMBMGA1UdJQQMMAoGCCsGAQUFBwMBMAoGCCqGSM49BAMC
A0gAMEUCIQDSI6ghKNVu3FjlKphN/l966IPjtIafy6j3zovlbaW7QQIgKC7mxrWd
1N96l20FHylO5bzdWvRwbT+eeMVFD1N3OsU=
-----END CERTIFICATE-----
`;

export const simKeyPem = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg9zqKXr3suJkK32Jp
TFpP11fShhZQYaRvlKfFMM3UpmOhRANCAAQmzALSZQ1ZqyOBAjJLPdzNRZRnwpFC
gN+ZX+yjuAF4gHgyP3GZAnytgCjYcg5fKUIw6q4aZX6cAqfQJDLj9At5
-----END PRIVATE KEY-----
`;

/** For `certificate-authority-data` in a kubeconfig. */
export const simCaData = Buffer.from(simCertPem).toString('base64');
