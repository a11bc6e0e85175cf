#!/usr/bin/env python3
"""gen8: synthetic monorepo of docker-compose projects and application config
files, with a truth file in score.py's format.

usage: gen8.py OUTDIR --workloads N --seed S
"""
import argparse
import json
import os
import random

TEAMS = ['payments', 'search', 'growth', 'identity', 'platform', 'ml', 'ops', 'catalog',
         'checkout', 'notify', 'media', 'billing', 'data', 'mobile', 'support']
WORDS = ['atlas', 'beacon', 'cobalt', 'delta', 'ember', 'falcon', 'garnet', 'harbor', 'iris',
         'juniper', 'kestrel', 'lumen', 'marlin', 'nimbus', 'onyx', 'pylon', 'quartz', 'raven',
         'sable', 'tundra', 'umber', 'vertex', 'willow', 'xenon', 'yarrow', 'zephyr']
SERVER_NAMES = ['redis', 'cache', 'valkey', 'broker', 'sessions', 'kv', 'queue-store',
                'redis-cache', 'ratelimit', 'pubsub', 'locks', 'jobs-db']
APP_NAMES = ['web', 'api', 'worker', 'scheduler', 'gateway', 'frontend', 'consumer', 'mailer',
             'indexer', 'ingest', 'cron', 'admin', 'realtime', 'backend', 'sync']
IMAGES = [
    ('redis:7.2-alpine', 'redis-server'), ('redis:6.2', 'redis-server'), ('redis:7', 'redis-server'),
    ('docker.io/valkey/valkey:8.0-alpine', 'valkey-server'), ('valkey/valkey:7.2', 'valkey-server'),
    ('bitnami/redis:7.2', None), ('redis/redis-stack-server:7.2.0-v10', None),
    ('eqalpha/keydb:latest', 'keydb-server'), ('bitnami/valkey:8.0', None),
    ('docker.dragonflydb.io/dragonflydb/dragonfly:v1.21', None),
]
APP_IMAGES = ['ghcr.io/acme/{p}-{s}:1.{n}', 'acme/{p}-{s}:latest', 'registry.acme.io/{p}/{s}:2024.{n}',
              'python:3.12-slim', 'node:20-alpine', 'ruby:3.3', 'eclipse-temurin:21-jre']


class Server:
    def __init__(self, name):
        self.name = name
        self.port = 6379
        self.tls_port = None
        self.plain = True
        self.container_name = None
        self.alias = None
        self.password = None
        self.lines = []


class Org:
    def __init__(self, rng):
        self.rng = rng
        self.files = {}
        self.consumers = {}
        self.routes = {}
        self.link_routes = {}
        self.lookalikes = []
        self.resources = set()
        self.non_resources = set()
        self.secrets = []
        self.workloads = 0
        self.managed = []
        self.parent_env = {}
        for i in range(60):
            self.managed.append(self.make_managed(i))

    def make_managed(self, i):
        r = self.rng
        w = r.choice(WORDS)
        k = r.randrange(4)
        if k == 0:
            return ('master.%s-%s.%s.use1.cache.amazonaws.com' % (w, i, ''.join(r.choice('abcdef0123') for _ in range(6))), 6379, True)
        if k == 1:
            return ('%s-%s-prod.redis.cache.windows.net' % (w, i), 6380, True)
        if k == 2:
            return ('%s-%s-%d.upstash.io' % (r.choice(['us1', 'eu2', 'apn1']), w, 30000 + i), 30000 + i, True)
        return ('%s-redis-%02d.prod.corp.example.net' % (w, i), 6379, False)

    def secret(self):
        s = 'pw' + ''.join(self.rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789') for _ in range(14))
        self.secrets.append(s)
        return s

    def add(self, cid, target, tag):
        self.consumers.setdefault(cid, [])
        if target not in self.consumers[cid]:
            self.consumers[cid].append(target)
        self.routes.setdefault(cid, [])
        if tag not in self.routes[cid]:
            self.routes[cid].append(tag)
        self.link_routes.setdefault(cid, {}).setdefault(target, [])
        if tag not in self.link_routes[cid][target]:
            self.link_routes[cid][target].append(tag)

    def lookalike(self, cid, tag):
        self.lookalikes.append(cid)
        self.routes.setdefault(cid, []).append('lookalike-' + tag)

    def write(self, path, text):
        assert path not in self.files, path
        self.files[path] = text


def q(v):
    return '"%s"' % v


def env_lines(items, form, indent='    '):
    """items: list of (key, value) or ('#', comment) or (key, None) for bare pass-through."""
    out = [indent + 'environment:']
    for k, v in items:
        if k == '#':
            out.append(indent + '  # ' + v)
            continue
        if form == 'map':
            if v is None:
                out.append(indent + '  %s:' % k)
            else:
                vv = v if (v and not v[0] in '*&!%@`{[' and not v.isdigit() and v not in ('true', 'false', 'yes', 'no')) else q(v)
                out.append(indent + '  %s: %s' % (k, vv))
        else:
            if v is None:
                out.append(indent + '  - %s' % k)
            else:
                out.append(indent + '  - %s=%s' % (k, v))
    return out


class Project:
    def __init__(self, org, d, compose):
        self.org = org
        self.d = d
        self.compose = compose
        self.servers = []
        self.services = []  # (name, lines)
        self.top = []       # x- blocks
        self.dotenv = []
        self.override = []  # (name, lines)
        self.prod = []
        self.common = []    # services in common.yml for extends
        self.common_sub = []
        self.tags = []
        self.override_name = None
        self.compose_file_env = []
        self.networks = False
        self.names = set()

    def cid(self, s):
        return '%s/%s#%s' % (self.d, self.compose, s)

    def sid(self, srv):
        return self.cid(srv.name)

    def uname(self, base):
        n = base
        i = 2
        while n in self.names:
            n = '%s-%d' % (base, i)
            i += 1
        self.names.add(n)
        return n


def make_server(org, p, name):
    r = org.rng
    s = Server(name)
    img, binary = r.choice(IMAGES)
    s.lines = ['  %s:' % name, '    image: %s' % img]
    kind = r.random()
    if 'bitnami' in img:
        pfx = 'VALKEY' if 'valkey' in img else 'REDIS'
        if kind < 0.3:
            s.password = org.secret()
            s.lines += ['    environment:', '      %s_PASSWORD: %s' % (pfx, s.password)]
        elif kind < 0.45:
            s.port = 6380
            s.lines += ['    environment:', '      ALLOW_EMPTY_PASSWORD: "yes"', '      %s_PORT_NUMBER: "6380"' % pfx]
        else:
            s.lines += ['    environment:', '      - ALLOW_EMPTY_PASSWORD=yes']
    elif binary and kind < 0.18:
        s.port = r.choice([6380, 6390, 7000, 16379])
        s.lines.append('    command: %s --port %d --appendonly yes' % (binary, s.port))
    elif binary and kind < 0.28:
        s.tls_port = r.choice([6380, 6390, 6443])
        s.plain = False
        s.lines += ['    command:', '      - %s' % binary, '      - --port', '      - "0"', '      - --tls-port',
                    '      - "%d"' % s.tls_port, '      - --tls-cert-file', '      - /tls/redis.crt',
                    '      - --tls-key-file', '      - /tls/redis.key', '      - --tls-ca-cert-file', '      - /tls/ca.crt',
                    '    volumes:', '      - ./tls:/tls:ro']
    elif binary and kind < 0.36:
        s.password = org.secret()
        s.lines.append('    command: ["sh", "-c", "%s --requirepass %s --maxmemory 256mb"]' % (binary, s.password))
    elif binary and kind < 0.42:
        s.lines.append('    command: %s /usr/local/etc/redis/redis.conf' % binary)
        s.lines.append('    volumes:')
        s.lines.append('      - ./redis/%s.conf:/usr/local/etc/redis/redis.conf:ro' % name)
        s.port = r.choice([6379, 6381])
        org.write('%s/redis/%s.conf' % (p.d, name), 'bind 0.0.0.0\nport %d\nappendonly yes\n# maxmemory 2gb\n' % s.port)
    if r.random() < 0.2:
        s.container_name = '%s_%s_%s' % (p.d.split('/')[-1].replace('-', '_'), name.replace('-', '_'), r.randrange(1, 9))
        s.lines.append('    container_name: %s' % s.container_name)
    if r.random() < 0.15:
        s.lines.append('    hostname: %s-host' % name)
    if r.random() < 0.15:
        p.networks = True
        s.alias = r.choice(['session-store', 'redis-primary', 'kvstore', 'cachehost', 'rq-redis']) + '-' + name
        s.lines += ['    networks:', '      default: {}', '      backend:', '        aliases:', '          - %s' % s.alias]
    if r.random() < 0.4:
        s.lines += ['    healthcheck:', '      test: ["CMD", "%s", "ping"]' % ('valkey-cli' if 'valkey' in img else 'redis-cli'),
                    '      interval: 5s']
    if r.random() < 0.3:
        s.lines += ['    ports:', '      - "%d:%d"' % (s.port if s.plain else s.tls_port, s.port if s.plain else s.tls_port)]
    p.servers.append(s)
    p.services.append((name, s.lines))
    org.resources.add(p.sid(s))
    org.workloads += 1
    return s


def addr(org, p, srv, want_alias=True):
    """pick a name to reach srv by; returns (host, port, tls, extra service lines, tag)."""
    r = org.rng
    opts = [('svc', srv.name)] * 6
    if srv.container_name:
        opts.append(('container_name', srv.container_name))
    if srv.alias and want_alias:
        opts.append(('net-alias', srv.alias))
    kind, host = r.choice(opts)
    extra = []
    if kind == 'net-alias':
        extra = ['    networks:', '      - default', '      - backend']
    if kind == 'svc' and want_alias and r.random() < 0.07:
        kind = 'links-alias'
        host = 'legacy-%s' % srv.name
        extra = ['    links:', '      - "%s:%s"' % (srv.name, host)]
    port = srv.port if srv.plain else srv.tls_port
    tls = not srv.plain
    return host, port, tls, extra, kind


def url(org, host, port, tls, password=None, user=None, db=None):
    r = org.rng
    sch = 'rediss' if tls else 'redis'
    auth = ''
    if password:
        auth = '%s:%s@' % (user or '', password)
    u = '%s://%s%s' % (sch, auth, host)
    if port != 6379 or r.random() < 0.6:
        u += ':%d' % port
    if db is None and r.random() < 0.5:
        db = r.randrange(16)
    if db is not None:
        u += '/%d' % db
    return u


def srv_pw(org, srv):
    return srv.password


# ---------------------------------------------------------------- consumer routes
# each returns list of (target, tag) and appends service lines to `lines`

def r_literal_url(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv)
    pw = srv.password
    user = None
    if pw is None and org.rng.random() < 0.15:
        pw = None
    if pw and org.rng.random() < 0.3:
        user = 'default'
    key = org.rng.choice(['REDIS_URL', 'CACHE_REDIS_URL', 'SESSION_REDIS_URL', 'RQ_REDIS_URL', 'REDIS_DSN',
                          'CELERY_BROKER_URL', 'SIDEKIQ_REDIS_URL', 'BULL_REDIS_URL', 'CACHE_URL'])
    items = [('APP_ENV', 'production'), (key, url(org, host, port, tls, pw, user))]
    if org.rng.random() < 0.3:
        items.insert(0, ('DATABASE_URL', 'postgres://app:%s@db:5432/app' % org.secret()))
    lines += env_lines(items, org.rng.choice(['map', 'list'])) + extra
    return [(p.sid(srv), 'literal-url-' + kind)]


def r_split(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv)
    pre = org.rng.choice(['REDIS', 'REDIS_CACHE', 'CACHE_REDIS', 'SESSION_REDIS', 'QUEUE_REDIS'])
    items = [(pre + '_HOST', host), (pre + '_PORT', str(port))]
    if tls:
        items.append((pre + '_SSL', 'true'))
    if srv.password:
        items.append((pre + '_PASSWORD', srv.password))
    lines += env_lines(items, org.rng.choice(['map', 'list'])) + extra
    return [(p.sid(srv), 'split-host-port-' + kind)]


def r_env_file(org, p, name, lines, srv):
    r = org.rng
    host, port, tls, extra, kind = addr(org, p, srv)
    fname = r.choice(['env/%s.env' % name, '.%s.env' % name, 'config/%s.env' % name, '%s.env' % name])
    if r.random() < 0.5:
        body = '# %s settings\nLOG_LEVEL=info\nREDIS_URL=%s\n' % (name, url(org, host, port, tls, srv.password))
    else:
        body = 'REDIS_HOST=%s\nREDIS_PORT=%d\n' % (host, port)
        if tls:
            body += 'REDIS_TLS=true\n'
        if srv.password:
            body += 'REDIS_PASSWORD=%s\n' % srv.password
    org.write('%s/%s' % (p.d, fname), body)
    form = r.randrange(3)
    if form == 0:
        lines.append('    env_file: %s' % fname)
    elif form == 1:
        lines += ['    env_file:', '      - ./%s' % fname]
    else:
        lines += ['    env_file:', '      - path: ./%s' % fname, '        required: true']
    lines += extra
    return [(p.sid(srv), 'env_file-' + kind)]


def r_env_file_precedence(org, p, name, lines, srv, other):
    """env_file says `other`, environment overrides with `srv`: environment wins."""
    h1, p1, t1, _, _ = addr(org, p, other, want_alias=False)
    h2, p2, t2, extra, kind = addr(org, p, srv)
    fname = 'env/%s.env' % name
    org.write('%s/%s' % (p.d, fname), 'REDIS_URL=%s\nWORKERS=4\n' % url(org, h1, p1, t1, other.password))
    lines.append('    env_file: %s' % fname)
    lines += env_lines([('REDIS_URL', url(org, h2, p2, t2, srv.password))], org.rng.choice(['map', 'list'])) + extra
    return [(p.sid(srv), 'env_file-overridden-by-environment')]


def r_env_file_order(org, p, name, lines, srv, other):
    """two env_files: the later one wins."""
    h1, p1, t1, _, _ = addr(org, p, other, want_alias=False)
    h2, p2, t2, extra, kind = addr(org, p, srv)
    org.write('%s/env/common-%s.env' % (p.d, name), 'REDIS_HOST=%s\nREDIS_PORT=%d\n' % (h1, p1))
    org.write('%s/env/local-%s.env' % (p.d, name), 'REDIS_HOST=%s\nREDIS_PORT=%d\n' % (h2, p2) + ('REDIS_TLS=true\n' if t2 else ''))
    lines += ['    env_file:', '      - env/common-%s.env' % name, '      - env/local-%s.env' % name] + extra
    if t1 and not t2:
        pass
    return [(p.sid(srv), 'env_file-later-wins')]


def r_dotenv_interp(org, p, name, lines, srv):
    r = org.rng
    host, port, tls, extra, kind = addr(org, p, srv)
    v = 'CACHE_HOST_%s' % name.upper().replace('-', '_')
    pv = 'CACHE_PORT_%s' % name.upper().replace('-', '_')
    style = r.randrange(5)
    sch = 'rediss' if tls else 'redis'
    if style == 0:
        p.dotenv.append('%s=%s' % (v, host))
        p.dotenv.append('%s=%d' % (pv, port))
        val = '%s://${%s}:${%s}/0' % (sch, v, pv)
        tag = 'dotenv-interp'
    elif style == 1:
        p.dotenv.append('%s="%s"' % (v, host))
        val = '%s://${%s}:${%s:-%d}/1' % (sch, v, pv, port)
        tag = 'dotenv-interp-quoted+default-port'
    elif style == 2:
        # unset var: default used
        val = '%s://${%s:-%s}:%d' % (sch, v, host, port)
        tag = 'interp-default-unset'
        if not getattr(p, 'deploy', False) and r.random() < 0.5:
            org.parent_env.setdefault(os.path.dirname(p.d), []).append('%s=legacy-redis.example.com' % v)
            tag = 'interp-default-unset-parent-dotenv-ignored'
    elif style == 3:
        # empty var: ':-' falls back to the default
        p.dotenv.append('%s=' % v)
        val = '%s://${%s:-%s}:%d/2' % (sch, v, host, port)
        tag = 'interp-default-empty'
    else:
        # .env sets it: default ignored (default names another server or localhost)
        p.dotenv.append('%s=%s' % (v, host))
        dflt = 'localhost'
        others = [s for s in p.servers if s is not srv]
        if others and r.random() < 0.6:
            dflt = others[0].name
        val = '%s://${%s:-%s}:%d/3' % (sch, v, dflt, port)
        tag = 'interp-dotenv-beats-default'
    if srv.password:
        pwv = 'REDIS_PW_%s' % name.upper().replace('-', '_')
        p.dotenv.append('%s=%s' % (pwv, srv.password))
        val = val.replace('://', '://:${%s}@' % pwv, 1)
    lines += env_lines([('REDIS_URL', val)], r.choice(['map', 'list'])) + extra
    return [(p.sid(srv), tag + '-' + kind)]


def r_dotenv_whole(org, p, name, lines, srv):
    """environment value that is one ${VAR}, or a bare `- VAR` resolved from .env."""
    r = org.rng
    host, port, tls, extra, kind = addr(org, p, srv)
    v = 'REDIS_URL_%s' % name.upper().replace('-', '_')
    u = url(org, host, port, tls, srv.password)
    if r.random() < 0.5:
        p.dotenv.append('%s=%s' % (v, u))
        lines += env_lines([('REDIS_URL', '${%s}' % v)], r.choice(['map', 'list'])) + extra
        return [(p.sid(srv), 'dotenv-whole-var-' + kind)]
    p.dotenv.append('%s=%s' % (v, u))
    lines += env_lines([(v, None)], r.choice(['map', 'list'])) + extra
    return [(p.sid(srv), 'dotenv-bare-passthrough-' + kind)]


def r_dollar_escape(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv)
    pw = org.secret()
    org.secrets.append(pw[:6] + '$' + pw[6:])
    u = '%s://:%s$$%s@%s:%d/0' % ('rediss' if tls else 'redis', pw[:6], pw[6:], host, port)
    lines += env_lines([('QUEUE_REDIS_URL', u), ('SHELL_HINT', '$$HOME/bin')], org.rng.choice(['map', 'list'])) + extra
    return [(p.sid(srv), 'dollar-dollar-escape-' + kind)]


def r_anchor_env(org, p, name, lines, srv):
    """x- extension field with an anchor merged into environment."""
    host, port, tls, extra, kind = addr(org, p, srv, want_alias=False)
    anc = 'redis-env-%s' % name
    p.top += ['x-%s: &%s' % (anc, anc), '  REDIS_HOST: %s' % host, '  REDIS_PORT: "%d"' % port]
    if tls:
        p.top.append('  REDIS_TLS_ENABLED: "true"')
    lines += ['    environment:', '      <<: *%s' % anc, '      WORKER_CONCURRENCY: "8"']
    return [(p.sid(srv), 'x-anchor-merge-environment-' + kind)]


def r_extends(org, p, name, lines, srv):
    r = org.rng
    host, port, tls, extra, kind = addr(org, p, srv, want_alias=False)
    base = 'base-%s' % name
    p.common += ['  %s:' % base, '    image: acme/%s:1.0' % name, '    environment:',
                 '      REDIS_ADDR: %s:%d' % (host, port), '      LOG_FORMAT: json']
    if tls:
        p.common.append('      REDIS_TLS: "true"')
    lines += ['    extends:', '      file: common-services.yml', '      service: %s' % base]
    return [(p.sid(srv), 'extends-file')]


def r_extends_override(org, p, name, lines, srv, other):
    """extends a same-file base service, and overrides its REDIS_HOST: environment merges by key."""
    h1, p1, _, _, _ = addr(org, p, other, want_alias=False)
    h2, p2, t2, extra, kind = addr(org, p, srv, want_alias=False)
    base = 'tmpl-%s' % name
    p.services.append((base, ['  %s:' % base, '    image: acme/%s:1.0' % name, '    profiles: ["template"]',
                              '    environment:', '      REDIS_HOST: %s' % h1, '      REDIS_PORT: "%d"' % p1,
                              '      REDIS_DB: "2"']))
    org.workloads += 1
    # the template service is itself a consumer of `other` when run (profile template)
    org.add(p.cid(base), p.sid(other), 'extends-template-service')
    lines += ['    extends: %s' % base] if False else ['    extends:', '      service: %s' % base]
    lines += ['    environment:', '      REDIS_HOST: %s' % h2, '      REDIS_PORT: "%d"' % p2]
    if t2:
        lines.append('      REDIS_TLS: "true"')
    return [(p.sid(srv), 'extends-same-file-env-override')]


def r_override_file(org, p, name, lines, srv, other):
    """base names `other`, docker-compose.override.yml replaces it with `srv`."""
    h1, p1, t1, _, _ = addr(org, p, other, want_alias=False)
    h2, p2, t2, extra, kind = addr(org, p, srv, want_alias=False)
    lines += env_lines([('REDIS_URL', url(org, h1, p1, t1, other.password)), ('PORT', '8080')], 'map')
    p.override.append((name, ['  %s:' % name, '    environment:',
                              '      - REDIS_URL=%s' % url(org, h2, p2, t2, srv.password)]))
    return [(p.sid(srv), 'override-file-replaces')]


def r_override_adds(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv, want_alias=False)
    lines += ['    environment:', '      APP_NAME: %s' % name]
    p.override.append((name, ['  %s:' % name, '    environment:',
                              '      SESSION_REDIS_HOST: %s' % host, '      SESSION_REDIS_PORT: "%d"' % port]))
    return [(p.sid(srv), 'override-file-adds')]


def r_prod_adds_managed(org, p, name, lines, srv):
    """compose.prod.yml adds a managed Redis (used with -f base -f prod)."""
    h, port, tls = org.rng.choice(org.managed)
    pw = org.secret() if tls else None
    p.prod.append((name, ['  %s:' % name, '    environment:',
                          '      RATE_LIMIT_REDIS_URL: %s' % url(org, h, port, tls, pw, 'default' if pw else None)]))
    return [(h, 'prod-file-adds-managed')]


def r_mounted_yaml(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv)
    f = 'config/%s.yml' % name
    rel = './' + f
    if getattr(p, 'deploy', False):
        rel = '../' + f
    body = 'server:\n  port: 8080\ncache:\n  redis:\n    host: %s\n    port: %d\n' % (host, port)
    if tls:
        body += '    tls: true\n'
    if srv.password:
        body += '    password: %s\n' % srv.password
    body += '# legacy:\n#   redis:\n#     host: old-redis.example.com\n'
    org.write(os.path.normpath('%s/%s' % (p.d, rel)), body)
    if getattr(p, 'deploy', False):
        kind += '-parent-dir'
    if org.rng.random() < 0.5:
        lines += ['    volumes:', '      - %s:/app/config.yml:ro' % rel]
    else:
        lines += ['    volumes:', '      - type: bind', '        source: %s' % rel, '        target: /etc/%s/config.yml' % name,
                  '        read_only: true']
    lines += extra
    return [(p.sid(srv), 'mounted-config-yaml-' + kind)]


def r_spring_profiles(org, p, name, lines, srv):
    """mounted application.yml with profile documents; SPRING_PROFILES_ACTIVE picks prod."""
    host, port, tls, extra, kind = addr(org, p, srv, want_alias=False)
    d = 'spring-%s' % name
    body = ('spring:\n  application:\n    name: %s\n  data:\n    redis:\n      host: localhost\n      port: 6379\n'
            '---\nspring:\n  config:\n    activate:\n      on-profile: prod\n  data:\n    redis:\n'
            '      host: %s\n      port: %d\n' % (name, host, port))
    if tls:
        body += '      ssl:\n        enabled: true\n'
    body += ('---\nspring:\n  config:\n    activate:\n      on-profile: dev\n  data:\n    redis:\n'
             '      host: dev-redis.internal\n      port: 6379\n')
    org.write('%s/%s/application.yml' % (p.d, d), body)
    lines += ['    volumes:', '      - ./%s/application.yml:/workspace/config/application.yml' % d]
    lines += env_lines([('SPRING_PROFILES_ACTIVE', 'prod'), ('JAVA_OPTS', '-Xmx512m')], org.rng.choice(['map', 'list']))
    return [(p.sid(srv), 'spring-profile-yaml')]


def r_spring_props(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv, want_alias=False)
    d = 'conf-%s' % name
    org.write('%s/%s/application.properties' % (p.d, d),
              'server.port=8080\nspring.redis.host=localhost\nspring.redis.port=6379\n')
    org.write('%s/%s/application-prod.properties' % (p.d, d),
              'spring.redis.host=%s\nspring.redis.port=%d\n' % (host, port) + ('spring.redis.ssl=true\n' if tls else ''))
    lines += ['    volumes:', '      - ./%s:/app/config:ro' % d]
    lines += env_lines([('SPRING_PROFILES_ACTIVE', 'prod')], 'map')
    return [(p.sid(srv), 'spring-profile-properties')]


def r_rails_cable(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv)
    d = 'rails-%s' % name
    org.write('%s/%s/cable.yml' % (p.d, d),
              'development:\n  adapter: redis\n  url: redis://localhost:6379/1\n\ntest:\n  adapter: test\n\n'
              'production:\n  adapter: redis\n  url: <%%= ENV.fetch("REDIS_URL") { "redis://localhost:6379/1" } %%>\n'
              '  channel_prefix: %s_production\n' % name)
    lines += ['    volumes:', '      - ./%s/cable.yml:/rails/config/cable.yml:ro' % d]
    lines += env_lines([('RAILS_ENV', 'production'), ('REDIS_URL', url(org, host, port, tls, srv.password, db=1))],
                       org.rng.choice(['map', 'list'])) + extra
    return [(p.sid(srv), 'rails-cable-erb-env-' + kind)]


def r_django(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv)
    d = 'django-%s' % name
    org.write('%s/%s/settings.py' % (p.d, d),
              'import os\n\nDEBUG = False\nCACHES = {\n    "default": {\n        "BACKEND": "django_redis.cache.RedisCache",\n'
              '        "LOCATION": os.environ.get("REDIS_LOCATION", "redis://127.0.0.1:6379/1"),\n    }\n}\n'
              'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": "db", "PORT": 5432}}\n')
    lines += ['    volumes:', '      - ./%s/settings.py:/app/mysite/settings.py:ro' % d]
    lines += env_lines([('DJANGO_SETTINGS_MODULE', 'mysite.settings'),
                        ('REDIS_LOCATION', url(org, host, port, tls, srv.password, db=1))], 'map') + extra
    return [(p.sid(srv), 'django-settings-env-' + kind)]


def r_celery(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv)
    d = 'celery-%s' % name
    org.write('%s/%s/celeryconfig.py' % (p.d, d),
              'broker_url = "%s"\nresult_backend = "%s"\ntask_serializer = "json"\n' %
              (url(org, host, port, tls, srv.password, db=0), url(org, host, port, tls, srv.password, db=1)))
    lines += ['    command: celery -A tasks worker --loglevel=info', '    volumes:', '      - ./%s:/app/conf' % d] + extra
    return [(p.sid(srv), 'celery-config-mounted-dir-' + kind)]


def r_node_build(org, p, name, lines, srv):
    """build context whose Dockerfile copies the whole folder, with config/default.json."""
    host, port, tls, extra, kind = addr(org, p, srv)
    d = 'svc-%s' % name
    org.write('%s/%s/Dockerfile' % (p.d, d), 'FROM node:20-alpine\nWORKDIR /app\nCOPY package.json .\nRUN npm ci\nCOPY . .\nCMD ["node", "index.js"]\n')
    org.write('%s/%s/package.json' % (p.d, d), json.dumps({'name': name, 'dependencies': {'ioredis': '^5.3.0', 'express': '^4'}}, indent=2) + '\n')
    cfg = {'port': 3000, 'redis': {'host': host, 'port': port}}
    if tls:
        cfg['redis']['tls'] = {}
    if srv.password:
        cfg['redis']['password'] = srv.password
    org.write('%s/%s/config/default.json' % (p.d, d), json.dumps(cfg, indent=2) + '\n')
    if org.rng.random() < 0.5:
        lines.append('    build: ./%s' % d)
    else:
        lines += ['    build:', '      context: ./%s' % d, '      dockerfile: Dockerfile']
    lines += extra
    return [(p.sid(srv), 'build-context-node-config-' + kind)]


def r_cli_job(org, p, name, lines, srv):
    """a Redis image that only runs redis-cli against srv: a consumer."""
    host, port, tls, extra, kind = addr(org, p, srv)
    flags = '-h %s -p %d' % (host, port) + (' --tls --cacert /tls/ca.crt' if tls else '')
    lines[1] = '    image: redis:7-alpine'
    lines += ['    command: ["sh", "-c", "sleep 5 && redis-cli %s CONFIG SET maxmemory-policy allkeys-lru"]' % flags,
              '    restart: "no"'] + extra
    return [(p.sid(srv), 'redis-cli-job-' + kind)]


def r_exporter(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv)
    lines[1] = '    image: oliver006/redis_exporter:v1.62.0'
    lines += env_lines([('REDIS_ADDR', url(org, host, port, tls, db=None) if org.rng.random() < 0.5 else '%s:%d' % (host, port))]
                       + ([('REDIS_PASSWORD', srv.password)] if srv.password else []), 'map')
    lines += ['    ports:', '      - "9121:9121"'] + extra
    return [(p.sid(srv), 'redis-exporter-network-' + kind)]


def r_commander(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv)
    lines[1] = '    image: rediscommander/redis-commander:latest'
    lines += env_lines([('REDIS_HOSTS', 'local:%s:%d' % (host, port))], 'list')
    lines += ['    ports:', '      - "8081:8081"'] + extra
    return [(p.sid(srv), 'redis-commander-ui-' + kind)]


def r_managed_env(org, p, name, lines, srv, pre='REDIS'):
    h, port, tls = org.rng.choice(org.managed)
    pw = org.secret() if tls else None
    k = org.rng.randrange(3)
    if k == 0:
        lines += env_lines([(pre + '_URL', url(org, h, port, tls, pw, 'default' if pw and org.rng.random() < 0.5 else None))], 'map')
    elif k == 1:
        items = [(pre + '_HOST', h), (pre + '_PORT', str(port))]
        if tls:
            items.append((pre + '_TLS', 'true'))
        if pw:
            items.append((pre + '_PASSWORD', pw))
        lines += env_lines(items, 'list')
    else:
        lines += env_lines([('ConnectionStrings__' + ('Redis' if pre == 'REDIS' else 'SessionCache'), '%s:%d,password=%s,ssl=True,abortConnect=False' % (h, port, pw or org.secret()))], 'map')
    return [(h, 'managed-env')]


def r_celery_env(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv)
    lines += ['    command: celery -A app worker -Q default']
    lines += env_lines([('CELERY_BROKER_URL', url(org, host, port, tls, srv.password, db=0)),
                        ('CELERY_RESULT_BACKEND', 'django-db')], org.rng.choice(['map', 'list'])) + extra
    return [(p.sid(srv), 'celery-env-' + kind)]


def r_sidekiq(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv)
    d = 'sidekiq-%s' % name
    org.write('%s/%s/sidekiq.yml' % (p.d, d), ':concurrency: 10\n:queues:\n  - default\n  - mailers\n')
    lines += ['    command: bundle exec sidekiq -C config/sidekiq.yml',
              '    volumes:', '      - ./%s/sidekiq.yml:/app/config/sidekiq.yml' % d]
    lines += env_lines([('REDIS_URL', url(org, host, port, tls, srv.password, db=0))], 'map') + extra
    return [(p.sid(srv), 'sidekiq-env-' + kind)]



def r_envfile_interp(org, p, name, lines, srv):
    """env_file value interpolated from the project .env."""
    host, port, tls, extra, kind = addr(org, p, srv)
    v = 'SHARED_REDIS_HOST_%s' % name.upper().replace('-', '_')
    p.dotenv.append('%s=%s' % (v, host))
    f = 'env/%s.env' % name
    org.write('%s/%s' % (p.d, f), 'REDIS_URL=%s://${%s}:%d/0\n' % ('rediss' if tls else 'redis', v, port))
    lines += ['    env_file:', '      - %s' % f] + extra
    return [(p.sid(srv), 'env_file-interpolated-from-dotenv')]


def r_extends_subdir(org, p, name, lines, srv):
    """extends a file in a subfolder whose env_file is relative to that file."""
    host, port, tls, extra, kind = addr(org, p, srv, want_alias=False)
    base = 'base-%s' % name
    p.common_sub += ['  %s:' % base, '    image: acme/%s:2.0' % name, '    env_file: ./%s.env' % base]
    org.write('%s/compose/%s.env' % (p.d, base), 'REDIS_HOST=%s\nREDIS_PORT=%d\n' % (host, port) + ('REDIS_TLS=true\n' if tls else ''))
    lines += ['    extends:', '      file: ./compose/base.yml', '      service: %s' % base]
    return [(p.sid(srv), 'extends-subdir-env_file-relative')]


def r_network_mode(org, p, name, lines, srv):
    port = srv.port if srv.plain else srv.tls_port
    lines += ['    network_mode: "service:%s"' % srv.name]
    lines += env_lines([('REDIS_URL', '%s://localhost:%d/0' % ('rediss' if not srv.plain else 'redis', port))], 'map')
    return [(p.sid(srv), 'network_mode-service-localhost')]


def r_spring_renamed_mount(org, p, name, lines, srv, other):
    """spring profile file mounted under another source name; dev profile names `other`."""
    h1, p1, _, _, _ = addr(org, p, other, want_alias=False)
    h2, p2, t2, _, _ = addr(org, p, srv, want_alias=False)
    f = 'ops/%s-settings.yml' % name
    body = ('spring:\n  data:\n    redis:\n      host: %s\n      port: %d\n'
            '---\nspring:\n  config:\n    activate:\n      on-profile: prod\n  data:\n    redis:\n      host: %s\n      port: %d\n'
            % (h1, p1, h2, p2))
    org.write('%s/%s' % (p.d, f), body)
    lines += ['    volumes:', '      - ./%s:/workspace/config/application.yml:ro' % f]
    if org.rng.random() < 0.5:
        lines += env_lines([('SPRING_PROFILES_ACTIVE', 'prod')], 'list')
        tag = 'spring-renamed-mount-profile'
    else:
        org.write('%s/env/%s-spring.env' % (p.d, name), 'SPRING_PROFILES_ACTIVE=prod\nSERVER_PORT=8080\n')
        lines += ['    env_file: env/%s-spring.env' % name]
        tag = 'spring-renamed-mount-profile-from-env_file'
    return [(p.sid(srv), tag)]


def r_java_opts(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv)
    if org.rng.random() < 0.5:
        lines += env_lines([('JAVA_OPTS', '-Xmx1g -Dspring.data.redis.host=%s -Dspring.data.redis.port=%d' % (host, port))], 'map') + extra
        tag = 'java-opts-flags'
    else:
        lines += ["    environment:",
                  "      SPRING_APPLICATION_JSON: '{\"spring\":{\"data\":{\"redis\":{\"host\":\"%s\",\"port\":%d}}}}'" % (host, port)] + extra
        tag = 'spring-application-json'
    return [(p.sid(srv), tag + '-' + kind)]


def r_cmd_flags(org, p, name, lines, srv):
    host, port, tls, extra, kind = addr(org, p, srv)
    k = org.rng.randrange(3)
    if k == 0:
        lines += ['    command: ["node", "dist/worker.js", "--redis-url", "%s"]' % url(org, host, port, tls, srv.password)]
    elif k == 1:
        lines += ['    command: /app/server -redis.addr %s:%d -http.addr :8080' % (host, port)]
    else:
        lines += ['    command:', '      - ./bin/consumer', '      - --redis-host=%s' % host, '      - --redis-port=%d' % port]
    lines += extra
    return [(p.sid(srv), 'command-flags-%d-%s' % (k, kind))]


def r_multi_anchor(org, p, name, lines, srv, other):
    """<<: [*a, *b]: for a key in both, the first mapping listed wins."""
    h1, p1, _, _, _ = addr(org, p, srv, want_alias=False)
    h2, p2, _, _, _ = addr(org, p, other, want_alias=False)
    a, b = 'primary-redis-%s' % name, 'fallback-redis-%s' % name
    p.top += ['x-%s: &%s' % (a, a), '  REDIS_HOST: %s' % h1, '  REDIS_PORT: "%d"' % p1,
              'x-%s: &%s' % (b, b), '  REDIS_HOST: %s' % h2, '  REDIS_PORT: "%d"' % p2, '  REDIS_DB: "0"']
    lines += ['    environment:', '      <<: [*%s, *%s]' % (a, b), '      APP_MODE: worker']
    return [(p.sid(srv), 'yaml-merge-list-first-wins')]


SINGLE = [(r_literal_url, 14), (r_split, 10), (r_env_file, 10), (r_dotenv_interp, 10), (r_dotenv_whole, 5),
          (r_dollar_escape, 2), (r_anchor_env, 5), (r_extends, 4), (r_override_adds, 4), (r_mounted_yaml, 6),
          (r_spring_profiles, 3), (r_spring_props, 2), (r_rails_cable, 3), (r_django, 3), (r_celery, 3),
          (r_node_build, 4), (r_cli_job, 2), (r_exporter, 2), (r_commander, 2), (r_managed_env, 5),
          (r_celery_env, 3), (r_sidekiq, 2),
          (r_envfile_interp, 3), (r_extends_subdir, 3), (r_network_mode, 2), (r_java_opts, 3), (r_cmd_flags, 4)]
DOUBLE = [r_env_file_precedence, r_env_file_order, r_extends_override, r_override_file, r_spring_renamed_mount, r_multi_anchor]


def wchoice(rng, items):
    tot = sum(w for _, w in items)
    x = rng.uniform(0, tot)
    for it, w in items:
        x -= w
        if x <= 0:
            return it
    return items[-1][0]


# ---------------------------------------------------------------- look-alikes

def l_commented(org, p, name, lines):
    s = org.rng.choice(p.servers) if p.servers else None
    items = [('APP_ENV', 'production'), ('#', 'REDIS_URL: redis://%s:6379/0   # disabled, see ADR-12' % (s.name if s else 'redis'))]
    lines += env_lines(items, 'map')
    return 'commented-out'


def l_disabled(org, p, name, lines):
    s = org.rng.choice(p.servers) if p.servers else None
    if not s:
        return None
    lines += env_lines([('REDIS_ENABLED', 'false'), ('REDIS_HOST', s.name), ('REDIS_PORT', str(s.port))], 'map')
    return 'disabled-feature'


def l_postgres_url(org, p, name, lines):
    lines += env_lines([('DATABASE_URL', 'postgresql://app:%s@db:5432/%s' % (org.secret(), name)), ('PGSSLMODE', 'disable')], 'map')
    return 'postgres-url'


def l_depends_only(org, p, name, lines):
    if not p.servers:
        return None
    s = org.rng.choice(p.servers)
    lines += ['    depends_on:', '      - %s' % s.name, '    environment:', '      LOG_LEVEL: debug']
    return 'depends_on-only'


def l_ui_noconf(org, p, name, lines):
    lines[1] = '    image: %s' % org.rng.choice(['redislabs/redisinsight:latest', 'redis/redisinsight:2.50'])
    lines += ['    ports:', '      - "5540:5540"']
    return 'redisinsight-unconfigured'


def l_metrics(org, p, name, lines):
    lines[1] = '    image: grafana/grafana:11.1.0'
    lines += env_lines([('REDIS_METRICS_URL', 'http://redis-exporter:9121/metrics'),
                        ('GF_SERVER_ROOT_URL', 'http://grafana.local')], 'map')
    return 'metrics-endpoint'


def l_prometheus(org, p, name, lines):
    lines[1] = '    image: prom/prometheus:v2.53.0'
    org.write('%s/prometheus/prometheus-%s.yml' % (p.d, name),
              'scrape_configs:\n  - job_name: redis\n    static_configs:\n      - targets: ["redis-exporter:9121"]\n'
              '  - job_name: redis_exporter_targets\n    metrics_path: /scrape\n    static_configs:\n'
              '      - targets: ["redis://%s:6379"]\n' % (p.servers[0].name if p.servers else 'redis'))
    lines += ['    volumes:', '      - ./prometheus/prometheus-%s.yml:/etc/prometheus/prometheus.yml:ro' % name]
    return 'prometheus-scrape'


def l_docs_consumer(org, p, name, lines):
    lines += env_lines([('DOCS_URL', 'http://redis-docs:8080/'), ('REDIS_DOCS_HOST', 'redis-docs')], 'map')
    return 'redis-docs-client'


def l_shallow_merge(org, p, name, lines):
    """`<<: *app` brings environment with REDIS_URL, but the service's own
    environment replaces that key whole (YAML merge is shallow)."""
    if not p.servers:
        return None
    s = p.servers[0]
    anc = 'app-%s' % name
    p.top += ['x-%s: &%s' % (anc, anc), '  image: acme/%s:3' % name, '  environment:',
              '    REDIS_URL: redis://%s:%d/0' % (s.name, s.port if s.plain else s.tls_port), '  restart: unless-stopped']
    lines[:] = ['  %s:' % name, '    <<: *%s' % anc, '    environment:', '      QUEUE_NAME: low']
    return 'yaml-merge-shallow-environment-replaced'


def l_datastore(org, p, name, lines):
    """postgres sharing an env_file that holds REDIS_URL."""
    if not p.servers:
        return None
    s = p.servers[0]
    f = 'env/shared-%s.env' % name
    org.write('%s/%s' % (p.d, f), 'POSTGRES_PASSWORD=%s\nPOSTGRES_DB=app\nREDIS_URL=redis://%s:%d/0\n'
              % (org.secret(), s.name, s.port if s.plain else s.tls_port))
    lines[1] = '    image: postgres:16-alpine'
    lines += ['    env_file: %s' % f]
    return 'postgres-shares-env-file'


def l_override_removes(org, p, name, lines):
    """base has REDIS_HOST pointing at a server, the override file blanks it out... not
    expressible in compose merge; instead: base environment commented and override has
    depends_on only."""
    return None


LOOKS = [(l_commented, 3), (l_disabled, 2), (l_postgres_url, 3), (l_depends_only, 4), (l_ui_noconf, 1),
         (l_metrics, 1), (l_prometheus, 1), (l_docs_consumer, 1), (l_shallow_merge, 2), (l_datastore, 2)]


# ---------------------------------------------------------------- projects

def gen_project(org, idx):
    r = org.rng
    team = r.choice(TEAMS)
    pname = '%s-%s-%d' % (r.choice(WORDS), r.choice(WORDS), idx)
    layout = r.randrange(3)
    d = ['services/%s/%s' % (team, pname), 'projects/%s' % pname, 'teams/%s/stacks/%s' % (team, pname)][layout]
    if r.random() < 0.1:
        d += '/deploy'
    compose = r.choice(['docker-compose.yml'] * 5 + ['compose.yaml'] * 3 + ['docker-compose.yaml', 'compose.yml'])
    p = Project(org, d, compose)
    p.deploy = d.endswith('/deploy')
    if r.random() < 0.25:
        p.override_name = 'docker-compose.override.yml' if compose.startswith('compose') else 'compose.override.yaml'
    p.crlf = r.random() < 0.1
    p.compose_file_env = r.random() < 0.04
    p.server_in_override = (not p.compose_file_env) and r.random() < 0.04
    p.bare_url_target = None
    if p.compose_file_env:
        p.tags.append('COMPOSE_FILE-in-dotenv')
    if p.server_in_override:
        p.tags.append('server-defined-in-override')
    if p.override_name:
        p.tags.append('override-other-family-name')
    nserv = r.choice([0, 1, 1, 1, 1, 2, 2, 3])
    for _ in range(nserv):
        make_server(org, p, p.uname(r.choice(SERVER_NAMES)))
    # redis-docs service: not a Redis
    if r.random() < 0.05:
        n = p.uname('redis-docs')
        p.services.append((n, ['  %s:' % n, '    image: nginx:1.27-alpine', '    volumes:', '      - ./docs:/usr/share/nginx/html:ro']))
        org.write('%s/docs/index.md' % d, '# Redis usage\n\nConnect with `redis-cli -h redis -p 6379` or REDIS_URL=redis://redis:6379/0\n')
        org.non_resources.add(p.cid(n))
        org.lookalike(p.cid(n), 'redis-docs-service')
        org.workloads += 1
    # postgres
    if r.random() < 0.5:
        n = p.uname('db')
        p.services.append((n, ['  %s:' % n, '    image: postgres:16', '    environment:', '      POSTGRES_PASSWORD: %s' % org.secret()]))
        org.lookalike(p.cid(n), 'postgres-server')
        org.workloads += 1
    # sentinel watching the first server
    if p.servers and r.random() < 0.04 and p.servers[0].plain and not p.servers[0].password:
        srv = p.servers[0]
        sn = p.uname('sentinel')
        p.services.append((sn, ['  %s:' % sn, '    image: bitnami/redis-sentinel:7.2', '    environment:',
                                '      REDIS_MASTER_HOST: %s' % srv.name, '      REDIS_MASTER_PORT_NUMBER: "%d"' % srv.port,
                                '      REDIS_MASTER_SET: mymaster']))
        org.resources.add(p.cid(sn))
        org.workloads += 1
        cn = p.uname('sentinel-client')
        k = r.randrange(2)
        if k == 0:
            cl = ['  %s:' % cn, '    image: acme/%s:1' % cn] + env_lines([('REDIS_URL', 'redis+sentinel://%s:26379/mymaster/0' % sn)], 'map')
        else:
            cl = ['  %s:' % cn, '    image: acme/%s:1' % cn] + env_lines([('REDIS_SENTINELS', '%s:26379' % sn), ('REDIS_SENTINEL_MASTER', 'mymaster')], 'list')
        p.services.append((cn, cl))
        org.workloads += 1
        org.add(p.cid(sn), p.sid(srv), 'sentinel-monitors-primary')
        org.add(p.cid(cn), p.cid(sn), 'sentinel-client-%d' % k)
        org.add(p.cid(cn), p.sid(srv), 'sentinel-client-%d' % k)
    # interpolation never reads env_file: STAGE in env_file, ${STAGE:-prod} in environment
    if r.random() < 0.04:
        sp, ss = Server('prod-cache'), Server('staging-cache')
        for sv in (sp, ss):
            if sv.name in p.names:
                break
            p.names.add(sv.name)
            sv.lines = ['  %s:' % sv.name, '    image: redis:7-alpine']
            p.servers.append(sv)
            p.services.append((sv.name, sv.lines))
            org.resources.add(p.sid(sv))
            org.workloads += 1
        else:
            cn = p.uname('stage-worker')
            org.write('%s/env/%s.env' % (d, cn), 'STAGE=staging\nLOG_LEVEL=debug\n')
            p.services.append((cn, ['  %s:' % cn, '    image: acme/stage-worker:5', '    env_file: env/%s.env' % cn,
                                    '    environment:', '      REDIS_URL: redis://${STAGE:-prod}-cache:6379/0']))
            org.workloads += 1
            org.add(p.cid(cn), p.sid(sp), 'interp-ignores-env_file')
    # ${VAR-default} with VAR set empty in .env: the value is empty
    if p.servers and r.random() < 0.04:
        cn = p.uname('optional-cache-client')
        v = 'OPT_CACHE_%d' % idx
        p.dotenv.append('%s=' % v)
        p.services.append((cn, ['  %s:' % cn, '    image: acme/opt:1', '    environment:',
                                '      REDIS_HOST: ${%s-%s}' % (v, p.servers[0].name)]))
        org.workloads += 1
        org.lookalike(p.cid(cn), 'interp-dash-default-empty-value')
    if p.servers and r.random() < 0.05:
        p.top += ['x-retired-worker:', '  image: acme/retired:0.9', '  environment:',
                  '    REDIS_URL: redis://%s:%d/9' % (p.servers[0].name, p.servers[0].port)]
    napps = r.randrange(2, 7)
    for _ in range(napps):
        name = p.uname(r.choice(APP_NAMES))
        img = r.choice(APP_IMAGES).format(p=pname.split('-')[0], s=name, n=r.randrange(30))
        lines = ['  %s:' % name, '    image: %s' % img]
        org.workloads += 1
        x = r.random()
        results = None
        if p.servers and x < 0.72:
            srv = r.choice(p.servers)
            if len(p.servers) > 1 and r.random() < 0.2:
                other = r.choice([s for s in p.servers if s is not srv])
                results = r.choice(DOUBLE)(org, p, name, lines, srv, other)
            else:
                fn = wchoice(r, SINGLE)
                results = fn(org, p, name, lines, srv)
            if results is None:
                lines = ['  %s:' % name, '    image: %s' % img]
                results = r_literal_url(org, p, name, lines, srv)
            # sometimes also a second, managed Redis
            if r.random() < 0.08 and not any(l.strip() == 'environment:' for l in lines[2:]):
                results += r_managed_env(org, p, name, lines, srv, pre='SESSION_STORE_REDIS')
            if r.random() < 0.08 and 'prod' not in [n for n, _ in p.prod]:
                results += r_prod_adds_managed(org, p, name, lines, srv)
            if r.random() < 0.3 and not any(l.strip() == 'depends_on:' for l in lines):
                lines += ['    depends_on:', '      - %s' % srv.name]
            for t, tag in results:
                org.add(p.cid(name), t, tag)
                if t.startswith(p.d + '/'):
                    for tg in p.tags:
                        org.add(p.cid(name), t, tg)
        elif x < 0.8:
            results = r_managed_env(org, p, name, lines, None)
            for t, tag in results:
                org.add(p.cid(name), t, tag)
        else:
            fn = wchoice(r, LOOKS)
            tag = fn(org, p, name, lines)
            if tag is None:
                lines += ['    environment:', '      LOG_LEVEL: info']
                tag = 'plain'
            org.lookalike(p.cid(name), tag)
        p.services.append((name, lines))
    # extras
    if r.random() < 0.3:
        org.write('%s/README.md' % d, '# %s\n\nLocal dev: `docker compose up`. Redis at redis://redis:6379/0 '
                  '(set REDIS_URL=redis://cache:6379/1 to override).\n' % pname)
    if r.random() < 0.05:
        org.write('%s/docker-compose.override.yml.example' % d, 'services:\n  web:\n    environment:\n      REDIS_URL: redis://redis:6379/5\n')
    if r.random() < 0.2:
        org.write('%s/.env.example' % d, 'REDIS_URL=redis://redis:6379/0\nREDIS_PASSWORD=changeme\n')
    if r.random() < 0.15:
        # unreferenced variable in .env: only used for interpolation, never injected
        p.dotenv.append('LEGACY_REDIS_URL=redis://%s:6379/0' % (p.servers[0].name if p.servers else 'redis'))
    emit_project(org, p)
    return p


def emit_project(org, p):
    out = []
    if org.rng.random() < 0.3:
        out.append("version: '3.8'")
    out += p.top
    out.append('services:')
    moved = []
    for name, lines in p.services:
        if (p.compose_file_env or p.server_in_override) and p.servers and name == p.servers[0].name and not moved:
            moved = lines
            continue
        out += lines
    if len(out) == (1 if not p.top else 1 + len(p.top)) + (1 if out[0].startswith('version') else 0):
        out += ['  placeholder:', '    image: busybox']
    if p.networks:
        out += ['networks:', '  backend:', '    driver: bridge']
    org.write('%s/%s' % (p.d, p.compose), '\n'.join(out) + '\n')
    if moved and p.compose_file_env:
        org.write('%s/docker-compose.redis.yml' % p.d, 'services:\n' + '\n'.join(moved) + '\n')
        p.dotenv.insert(0, 'COMPOSE_FILE=%s:docker-compose.redis.yml' % p.compose)
    if moved and p.server_in_override:
        p.override.insert(0, ('srv', moved))
    if p.dotenv:
        txt = '# interpolation values\nCOMPOSE_PROJECT_NAME=%s\n' % p.d.split('/')[-1].replace('.', '') + '\n'.join(p.dotenv) + '\n'
        if p.crlf:
            txt = txt.replace('\n', '\r\n')
        org.write('%s/.env' % p.d, txt)
    if p.override:
        ov = p.override_name or p.compose.replace('.y', '.override.y')
        body = ['services:']
        for _, l in p.override:
            body += l
        org.write('%s/%s' % (p.d, ov), '\n'.join(body) + '\n')
    if p.prod:
        pf = 'compose.prod.yaml' if p.compose.startswith('compose') else 'docker-compose.prod.yml'
        body = ['services:']
        for _, l in p.prod:
            body += l
        org.write('%s/%s' % (p.d, pf), '\n'.join(body) + '\n')
    if p.common:
        org.write('%s/common-services.yml' % p.d, 'services:\n' + '\n'.join(p.common) + '\n')
    if p.common_sub:
        org.write('%s/compose/base.yml' % p.d, 'services:\n' + '\n'.join(p.common_sub) + '\n')


# ---------------------------------------------------------------- standalone apps (no compose)

def gen_app(org, idx):
    r = org.rng
    team = r.choice(TEAMS)
    name = '%s-%s-%d' % (r.choice(WORDS), r.choice(['svc', 'api', 'worker', 'jobs', 'web']), idx)
    d = 'apps/%s/%s' % (team, name)
    cid = 'app:' + d
    org.workloads += 1
    h, port, tls = r.choice(org.managed)
    pw = org.secret() if tls else None
    k = r.randrange(9)
    if k == 0:
        org.write(d + '/package.json', json.dumps({'name': name, 'dependencies': {'redis': '^4.6.0'}}) + '\n')
        cfg = {'redis': {'url': url(org, h, port, tls, pw)}}
        org.write(d + '/config/default.json', json.dumps(cfg, indent=2) + '\n')
        tag = 'app-node-config'
    elif k == 1:
        org.write(d + '/Gemfile', "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem 'redis'\n")
        org.write(d + '/config/cable.yml', 'development:\n  adapter: async\n\ntest:\n  adapter: test\n\nproduction:\n  adapter: redis\n  url: %s\n'
                  '  channel_prefix: %s_production\n' % (url(org, h, port, tls, pw, db=1), name.replace('-', '_')))
        tag = 'app-rails-cable'
    elif k == 2:
        org.write(d + '/pom.xml', '<project><artifactId>%s</artifactId></project>\n' % name)
        body = 'spring:\n  profiles:\n    active: prod\n  data:\n    redis:\n      host: localhost\n      port: 6379\n' \
               '---\nspring:\n  config:\n    activate:\n      on-profile: prod\n  data:\n    redis:\n      host: %s\n      port: %d\n' % (h, port)
        if tls:
            body += '      ssl:\n        enabled: true\n'
        org.write(d + '/src/main/resources/application.yml', body)
        tag = 'app-spring-own-active-profile'
    elif k == 3:
        org.write(d + '/requirements.txt', 'django==5.0\ndjango-redis==5.4\n')
        org.write(d + '/mysite/settings.py', 'CACHES = {\n    "default": {\n        "BACKEND": "django_redis.cache.RedisCache",\n'
                  '        "LOCATION": "%s",\n    }\n}\n' % url(org, h, port, tls, pw, db=1))
        tag = 'app-django-settings'
    elif k == 4:
        org.write(d + '/requirements.txt', 'celery[redis]==5.3\n')
        org.write(d + '/celeryconfig.py', 'broker_url = "%s"\ntask_acks_late = True\n' % url(org, h, port, tls, pw, db=0))
        tag = 'app-celeryconfig'
    elif k == 5:
        org.write(d + '/go.mod', 'module example.com/%s\n\ngo 1.22\n' % name)
        org.write(d + '/config.toml', '[http]\nlisten = ":8080"\n\n[redis]\naddr = "%s:%d"\ntls = %s\n' % (h, port, 'true' if tls else 'false'))
        tag = 'app-go-toml'
    elif k == 6:
        org.write(d + '/composer.json', '{"require": {"laravel/framework": "^11.0", "predis/predis": "^2.0"}}\n')
        org.write(d + '/.env', 'APP_NAME=%s\nREDIS_CLIENT=predis\nREDIS_HOST=%s\nREDIS_PASSWORD=%s\nREDIS_PORT=%d\n%s'
                  % (name, h, pw or 'null', port, 'REDIS_SCHEME=tls\n' if tls else ''))
        tag = 'app-laravel-dotenv'
    elif k == 7:
        org.write(d + '/build.gradle', "plugins { id 'java' }\n")
        org.write(d + '/src/main/resources/application.properties',
                  'spring.data.redis.host=%s\nspring.data.redis.port=%d\n%s' % (h, port, 'spring.data.redis.ssl.enabled=true\n' if tls else ''))
        tag = 'app-spring-properties'
    else:
        org.write(d + '/Gemfile', "gem 'sidekiq'\n")
        org.write(d + '/config/sidekiq.yml', ':concurrency: 5\n:redis:\n  :url: %s\n' % url(org, h, port, tls, pw, db=0))
        tag = 'app-sidekiq-yml'
    org.add(cid, h, tag)
    if r.random() < 0.3:
        org.write(d + '/README.md', '# %s\n\nNeeds Redis: `REDIS_URL=redis://localhost:6379/0 npm start`.\n' % name)


def gen_lookalike_app(org, idx):
    r = org.rng
    team = r.choice(TEAMS)
    name = '%s-tool-%d' % (r.choice(WORDS), idx)
    d = 'apps/%s/%s' % (team, name)
    org.workloads += 1
    k = r.randrange(4)
    if k == 0:
        org.write(d + '/package.json', '{"name": "%s", "dependencies": {"redis": "^4"}}\n' % name)
        org.write(d + '/README.md', 'Set `REDIS_URL=rediss://:token@%s:6380` in production.\n' % r.choice(org.managed)[0])
        tag = 'readme-only'
    elif k == 1:
        org.write(d + '/requirements.txt', 'redis==5.0\n')
        org.write(d + '/.env.example', 'REDIS_URL=redis://redis:6379/0\n')
        org.write(d + '/config/settings.yml', 'cache:\n  # redis:\n  #   host: %s\n  backend: memory\n' % r.choice(org.managed)[0])
        tag = 'example-and-commented'
    elif k == 2:
        org.write(d + '/go.mod', 'module example.com/%s\n' % name)
        org.write(d + '/config.toml', '[database]\nurl = "postgres://u:%s@pg.internal:5432/x"\n[metrics]\nendpoint = "http://redis-exporter:9121/metrics"\n' % org.secret())
        tag = 'postgres-and-metrics'
    else:
        org.write(d + '/Gemfile', "gem 'redis'\n")
        org.write(d + '/docs/operations.md', 'Failover: `redis-cli -h %s -p 6379 --tls`\n' % r.choice(org.managed)[0])
        tag = 'docs-folder'
    org.lookalike('app:' + d, tag)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('outdir')
    ap.add_argument('--workloads', type=int, default=600)
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    org = Org(random.Random(a.seed))
    i = 0
    while org.workloads < a.workloads:
        i += 1
        x = org.rng.random()
        if x < 0.80:
            gen_project(org, i)
        elif x < 0.95:
            gen_app(org, i)
        else:
            gen_lookalike_app(org, i)
    for dd, lines in org.parent_env.items():
        if dd + '/.env' not in org.files:
            org.write(dd + '/.env', '# team-wide defaults (not read by compose)\n' + '\n'.join(lines) + '\n')
    tree = os.path.join(a.outdir, 'tree')
    for path, text in org.files.items():
        fp = os.path.join(tree, path)
        os.makedirs(os.path.dirname(fp), exist_ok=True)
        with open(fp, 'w') as f:
            f.write(text)
    for cid in org.consumers:
        for t in org.consumers[cid]:
            if '#' not in t:
                org.resources.add(t)
    truth = {'consumers': org.consumers, 'lookalikes': sorted(set(org.lookalikes) - set(org.consumers)),
             'routes': org.routes, 'link_routes': org.link_routes, 'resources': sorted(org.resources),
             'non_resources': sorted(org.non_resources), 'secrets': org.secrets}
    with open(os.path.join(a.outdir, 'truth.json'), 'w') as f:
        json.dump(truth, f, indent=1, sort_keys=True)
    print('workloads %d, files %d, consumers %d, links %d, lookalikes %d' % (
        org.workloads, len(org.files), len(org.consumers), sum(len(v) for v in org.consumers.values()), len(truth['lookalikes'])))


if __name__ == '__main__':
    main()
