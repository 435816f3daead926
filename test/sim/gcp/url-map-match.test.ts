import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchHostRule, matchPathRule, matchUrlMap } from '../../../src/sim/gcp/url-map-match.js';

test('an exact host beats the longest matching wildcard, which beats *', () => {
  const rules = [
    { hosts: ['*'], pathMatcher: 'any' },
    { hosts: ['*.example.com'], pathMatcher: 'wild' },
    { hosts: ['*.shop.example.com'], pathMatcher: 'wild-shop' },
    { hosts: ['www.shop.example.com'], pathMatcher: 'exact' },
    { hosts: ['*-eu.example.org'], pathMatcher: 'dash' },
  ];
  const pick = (h: string) => matchHostRule(rules, h)?.pathMatcher;
  assert.equal(pick('www.shop.example.com'), 'exact');
  assert.equal(
    pick('WWW.Shop.Example.com:8080'),
    'exact',
    'hosts are case-insensitive and the port is ignored',
  );
  assert.equal(pick('api.shop.example.com'), 'wild-shop');
  assert.equal(pick('a.b.example.com'), 'wild');
  assert.equal(pick('example.com'), 'any', '*.example.com needs something before the dot');
  assert.equal(pick('shop-eu.example.org'), 'dash');
  assert.equal(pick('other.net'), 'any');
  assert.equal(matchHostRule([{ hosts: ['a.com'] }], 'b.com'), undefined);
});

test('the longest path wins; /x/* matches below /x/ but not /x; exact beats prefix of the same length', () => {
  const rules = [
    { paths: ['/*'], service: 'root' },
    { paths: ['/api/*'], service: 'api' },
    { paths: ['/api/v2/*', '/v2'], service: 'v2' },
    { paths: ['/api/v2/'], service: 'exact-slash' },
    { paths: ['/api/v2/status'], service: 'status' },
  ];
  const pick = (p: string) => matchPathRule(rules, p)?.service;
  assert.equal(pick('/'), 'root');
  assert.equal(pick('/api'), 'root');
  assert.equal(pick('/api/'), 'api');
  assert.equal(pick('/api/users?page=2'), 'api');
  assert.equal(pick('/api/v2/x'), 'v2');
  assert.equal(pick('/api/v2/'), 'exact-slash');
  assert.equal(pick('/api/v2/status'), 'status');
  assert.equal(pick('/api/v2/status/more'), 'v2');
  assert.equal(pick('/v2'), 'v2');
  assert.equal(pick('/v2/x'), 'root', 'an exact path does not match below itself');
  assert.equal(matchPathRule([{ paths: ['/a'], service: 'a' }], '/b'), undefined);
});

test('a URL map falls back to the path matcher default, then the map default', () => {
  const um = {
    defaultService: 'default',
    hostRules: [{ hosts: ['a.example.com'], pathMatcher: 'pm' }],
    pathMatchers: [
      { name: 'pm', defaultService: 'pm-default', pathRules: [{ paths: ['/x/*'], service: 'x' }] },
    ],
  };
  assert.equal(matchUrlMap(um, 'a.example.com', '/x/1'), 'x');
  assert.equal(matchUrlMap(um, 'a.example.com', '/y'), 'pm-default');
  assert.equal(matchUrlMap(um, 'b.example.com', '/x/1'), 'default');
});
