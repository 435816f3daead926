// Host and path matching as the global external load balancer does it: an exact host beats the
// longest matching wildcard (`*.example.com`, `*-suffix`), which beats `*`; within a path matcher the
// longest matching path wins, `/x/*` matching every path that starts with `/x/`, and an exact path
// beating a prefix of the same length. No match falls back to the matcher's, then the map's, default.

type Body = Record<string, unknown>;

function hostOnly(h: string): string {
  return h.toLowerCase().replace(/:\d+$/, '');
}

export function matchHostRule(hostRules: readonly Body[], host: string): Body | undefined {
  const h = hostOnly(host);
  let best: { rule: Body; score: number } | undefined;
  for (const rule of hostRules) {
    for (const raw of (rule.hosts ?? []) as string[]) {
      const pattern = hostOnly(raw);
      let score = -1;
      if (pattern === h) score = Number.MAX_SAFE_INTEGER;
      else if (pattern === '*') score = 0;
      else if (pattern.startsWith('*') && h.endsWith(pattern.slice(1)) && h.length > pattern.length - 1) {
        score = pattern.length;
      }
      if (score >= 0 && (!best || score > best.score)) best = { rule, score };
    }
  }
  return best?.rule;
}

export function matchPathRule(pathRules: readonly Body[], path: string): Body | undefined {
  const p = path.split('?')[0]!.split('#')[0]!;
  let best: { rule: Body; score: number } | undefined;
  for (const rule of pathRules) {
    for (const pattern of (rule.paths ?? []) as string[]) {
      let score = -1;
      if (pattern.endsWith('/*')) {
        const prefix = pattern.slice(0, -1);
        if (p.startsWith(prefix)) score = prefix.length * 2;
      } else if (pattern === p) {
        score = pattern.length * 2 + 1;
      }
      if (score >= 0 && (!best || score > best.score)) best = { rule, score };
    }
  }
  return best?.rule;
}

/** The backend service link a request for host+path is sent to. */
export function matchUrlMap(urlMap: Body, host: string, path: string): string {
  const hostRule = matchHostRule((urlMap.hostRules ?? []) as Body[], host);
  if (!hostRule) return String(urlMap.defaultService);
  const matcher = ((urlMap.pathMatchers ?? []) as Body[]).find((m) => m.name === hostRule.pathMatcher);
  if (!matcher) return String(urlMap.defaultService);
  const rule = matchPathRule((matcher.pathRules ?? []) as Body[], path);
  return String(rule ? rule.service : matcher.defaultService);
}
