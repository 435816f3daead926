// Where the repository is: an http(s) URL or a local path. Validated once, up front; any other
// scheme (ssh, git, file, scp-like `git@host:path`) is refused, and credentials in a URL are refused
// (they would end up in logs and caches): they come from an environment variable or a file.
import { resolve } from 'node:path';
import { SourceError, SourceErrorCode } from './errors.js';

export type RepoLocation = { kind: 'remote'; url: string } | { kind: 'local'; path: string };

export function parseRepoLocation(repo: string): RepoLocation {
  const text = repo.trim();
  if (text === '') throw new SourceError(SourceErrorCode.invalidLocation, 'the repository location is empty');
  if (/^[a-z][a-z0-9+.-]+:/i.test(text)) {
    // Anything scheme-like (https:, ssh:, file:, ext::) is a URL and must be http(s).
    if (!/^https?:\/\//i.test(text)) {
      const scheme = text.slice(0, text.indexOf(':'));
      throw new SourceError(
        SourceErrorCode.invalidLocation,
        `repository URLs must be http(s); ${scheme} is not supported`,
      );
    }
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new SourceError(SourceErrorCode.invalidLocation, 'the repository URL is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new SourceError(
        SourceErrorCode.invalidLocation,
        `repository URLs must be http(s); ${url.protocol.replace(':', '')} is not supported`,
      );
    }
    if (url.username || url.password) {
      throw new SourceError(
        SourceErrorCode.invalidLocation,
        'the repository URL contains credentials; remove them and use FEDSYNC_GIT_TOKEN (or --git-token-file) instead',
      );
    }
    url.hash = '';
    return { kind: 'remote', url: url.toString() };
  }
  if (/^[^/\\]+@[^/\\]+:/.test(text)) {
    throw new SourceError(
      SourceErrorCode.invalidLocation,
      'SSH repository addresses are not supported; use an https:// URL',
    );
  }
  return { kind: 'local', path: resolve(text) };
}

/** A URL safe to print: no user info, no query string. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
