#!/usr/bin/env python3
"""gen3: an independent synthetic-organisation generator for fallout.

usage: gen3.py --workloads N --seed S --out DIR --truth FILE

Writes namespaces, Redis-compatible servers (StatefulSets + Services, some
external behind ExternalName), consumer workloads of every kind reaching them
by many routes, look-alikes, and a truth file in score.py's format:

  {"consumers": {"ns/Kind/name": [target, ...]},
   "lookalikes": ["ns/Kind/name", ...],
   "routes": {"ns/Kind/name": [tag, ...]},
   "link_routes": {"ns/Kind/name": {target: [tag, ...]}},
   "resources": {target: {...}}}

A target is the resource id fallout gives an in-cluster Redis
("<ns>/<statefulset-name>") or an external host name.
"""
import argparse
import base64
import collections
import json
import os
import random
import re
import shutil

WORDS = ['ledger', 'orders', 'catalog', 'search', 'billing', 'identity', 'notify', 'fulfil', 'pricing', 'review',
         'loyalty', 'shipping', 'fraud', 'media', 'inbox', 'reports', 'checkout', 'tenant', 'audit', 'geo',
         'wallet', 'promo', 'stock', 'chat', 'feeds', 'auth', 'courier', 'invoice', 'tax', 'metering']
REGIONS = ['eu', 'us', 'ap', 'int', 'core', 'edge', 'prod', 'blue']
REDIS_NAMES = ['cache-primary', 'sessions-kv', 'ratelimit-store', 'queue-broker', 'flags-db', 'leaderboard',
               'redis', 'valkey-main', 'kv', 'hot-cache', 'locks', 'jobs-store']
REDIS_IMAGES = ['redis:7.2.4-alpine', 'valkey/valkey:8.0.1', 'docker.io/bitnami/redis:7.2.5-debian-12-r0',
                'redis/redis-stack-server:7.2.0-v10', 'bitnami/valkey:8.0.1', 'public.ecr.aws/docker/library/redis:6.2',
                'registry.k8s.io/redis:e2e', 'cgr.dev/chainguard/redis:latest', 'quay.io/opstree/redis:v7.0.12',
                'harbor.acme.io/dockerhub/library/redis:7.2.4', 'mirror.gcr.io/valkey/valkey:7.2', 'CUSTOM-6390',
                'BITNAMI-6390']
ROLES = ['api', 'worker', 'web', 'consumer', 'sync', 'gateway', 'scheduler', 'indexer', 'mailer', 'ingest',
         'export', 'backfill', 'admin', 'bff', 'relay', 'cron', 'reaper', 'batch']
ALPHA = 'abcdefghjkmnpqrstuvwxyz'

KINDS = [('Deployment', 40), ('StatefulSet', 10), ('DaemonSet', 6), ('Job', 8), ('CronJob', 10), ('Pod', 6),
         ('ReplicaSet', 5), ('Rollout', 15), ('KnativeService', 3), ('CloneSet', 3)]


def b64(s):
    return base64.b64encode(s.encode()).decode()


def wchoice(rng, pairs):
    tot = sum(w for _, w in pairs)
    x = rng.random() * tot
    for v, w in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][0]


class Redis:
    def __init__(self, ns, name, svc, port_kind, image, tls):
        self.ns, self.name, self.svc, self.port_kind, self.image, self.tls = ns, name, svc, port_kind, image, tls
        self.id = f'{ns}/{name}'
        self.clusterip = None
        self.replicas = 1
        # svc port consumers write, and TLS port if any
        self.port = {'plain': 6379, 'p6380': 6380, 'p7000': 7000, 'tls': 6379, 'p6390': 6390}[port_kind]
        self.tls_port = 6380 if port_kind == 'tls' else None
        self.aliases = {}  # ns -> ExternalName alias service name in that ns
        self.chain = {}    # ns -> ExternalName pointing at the alias (a chain)


class External:
    def __init__(self, host, port, tls, alias_ns=None, alias=None):
        self.host, self.port, self.tls = host, port, tls
        self.id = host
        self.alias_ns, self.alias = alias_ns, alias


class Container:
    def __init__(self, name, image):
        self.name, self.image = name, image
        self.env = []          # list of dicts (ordered)
        self.env_from = []
        self.args = []
        self.command = None
        self.mounts = []
        self.used = set()      # env names taken
        self.shc = False

    def take(self, name):
        base = name
        k = 2
        prefixes = ['SECONDARY_', 'AUX_', 'LEGACY_', 'SHADOW_', 'EXTRA_', 'ALT_']
        while name in self.used:
            name = prefixes[(k - 2) % len(prefixes)] + base if k < 8 else f'{base}_{k}'
            k += 1
        self.used.add(name)
        return name

    def to_obj(self):
        c = {'name': self.name, 'image': self.image}
        if self.command is not None:
            c['command'] = self.command
        if self.args:
            c['args'] = self.args
        if self.env_from:
            c['envFrom'] = self.env_from
        if self.env:
            c['env'] = self.env
        if self.mounts:
            c['volumeMounts'] = self.mounts
        return c


class Workload:
    def __init__(self, ns, kind, name, team):
        self.ns, self.kind, self.name, self.team = ns, kind, name, team
        self.id = f'{ns}/{kind}/{name}'
        self.containers = []
        self.init = []
        self.volumes = []
        self.extra = []        # extra objects (ConfigMaps, Secrets, Services)
        self.annotations = {}
        self.pod_annotations = {}
        self.targets = collections.OrderedDict()  # target id -> set(route tags)
        self.tags = []
        self.lookalike = False
        self.nvol = 0

    def add(self, target, tag):
        self.targets.setdefault(target, set()).add(tag)
        if tag not in self.tags:
            self.tags.append(tag)

    def vol(self):
        self.nvol += 1
        return f'cfg{self.nvol}'


class Gen:
    def __init__(self, n, seed):
        self.rng = random.Random(seed)
        self.n = n
        self.files = {}           # path -> (list of objects | str, fmt)
        self.workloads = []
        self.redis_by_ns = collections.defaultdict(list)
        self.shared = []          # Redis in shared data namespaces
        self.externals_by_ns = collections.defaultdict(list)
        self.free_externals = []  # literal-only externals
        self.resources = {}
        self.names_used = set()
        self.ns_cm = {}           # ns -> (cm name, key, redis, line) shared team env CM
        self.nip = 0

    # ---------- naming
    def wname(self, ns, role):
        r = self.rng
        while True:
            nm = f'{r.choice(WORDS)}-{role}'
            if r.random() < 0.5:
                nm += '-' + ''.join(r.choice(ALPHA) for _ in range(3))
            if (ns, nm) not in self.names_used:
                self.names_used.add((ns, nm))
                return nm

    def cip(self):
        self.nip += 1
        return f'10.96.{(self.nip >> 8) & 255}.{self.nip & 255}'

    # ---------- Redis servers
    def make_redis(self, ns, name, shared=False):
        r = self.rng
        image = r.choice(REDIS_IMAGES)
        port_kind = wchoice(r, [('plain', 50), ('p6380', 15), ('p7000', 10), ('tls', 25)])
        if image in ('CUSTOM-6390', 'BITNAMI-6390'):
            port_kind = 'p6390'
        svc = name if r.random() < 0.7 else name + '-svc'
        red = Redis(ns, name, svc, port_kind, image, port_kind == 'tls')
        if r.random() < 0.3:
            red.clusterip = self.cip()
        labels = {'app.kubernetes.io/instance': name, 'app.kubernetes.io/component': 'kv-server'}
        ctr = {'name': 'server', 'image': image}
        cport = 6379
        if image == 'CUSTOM-6390':
            ctr['image'] = 'debian:bookworm-slim'
            ctr['command'] = ['redis-server']
            ctr['args'] = ['--port', '6390', '--protected-mode', 'no']
            ports = [{'name': 'tcp-redis', 'containerPort': 6390}]
        elif image == 'BITNAMI-6390':
            ctr['image'] = 'bitnami/redis:7.2'
            ctr['env'] = [{'name': 'ALLOW_EMPTY_PASSWORD', 'value': 'yes'}, {'name': 'REDIS_PORT_NUMBER', 'value': '6390'}]
            ports = [{'name': 'tcp-redis', 'containerPort': 6390}]
        elif port_kind == 'tls':
            ctr['command'] = ['redis-server'] if 'bitnami' not in image else None
            if 'valkey' in image and 'bitnami' not in image:
                ctr['command'] = ['valkey-server']
            ctr['args'] = ['--port', '6379', '--tls-port', '6380', '--tls-cert-file', '/tls/tls.crt',
                           '--tls-key-file', '/tls/tls.key', '--tls-ca-cert-file', '/tls/ca.crt']
            if ctr['command'] is None:
                del ctr['command']
                ctr['env'] = [{'name': 'ALLOW_EMPTY_PASSWORD', 'value': 'yes'},
                              {'name': 'REDIS_TLS_ENABLED', 'value': 'yes'},
                              {'name': 'REDIS_TLS_PORT', 'value': '6380'}]
                del ctr['args']
            ports = [{'name': 'tcp-redis', 'containerPort': 6379}, {'name': 'tcp-redis-tls', 'containerPort': 6380}]
        else:
            ports = [{'name': 'tcp-redis', 'containerPort': cport}]
            if 'bitnami' in image:
                ctr['env'] = [{'name': 'ALLOW_EMPTY_PASSWORD', 'value': 'yes'}]
            elif r.random() < 0.4:
                ctr['args'] = ['--appendonly', 'yes', '--maxmemory-policy', 'allkeys-lru']
        if image not in ('CUSTOM-6390', 'BITNAMI-6390') and port_kind != 'tls':
            pass
        ctr['ports'] = ports
        ctr['volumeMounts'] = [{'name': 'data', 'mountPath': '/data'}]
        sts = {'apiVersion': 'apps/v1', 'kind': 'StatefulSet',
               'metadata': {'name': name, 'namespace': ns, 'labels': dict(labels, **{'team': 'platform'})},
               'spec': {'serviceName': name + '-hl', 'replicas': 1,
                        'selector': {'matchLabels': labels},
                        'template': {'metadata': {'labels': labels},
                                     'spec': {'containers': [ctr]}},
                        'volumeClaimTemplates': [{'metadata': {'name': 'data'},
                                                  'spec': {'accessModes': ['ReadWriteOnce'],
                                                           'resources': {'requests': {'storage': '2Gi'}}}}]}}
        if port_kind == 'p6390':
            sports = [{'name': 'redis', 'port': 6390, 'targetPort': 'tcp-redis'}]
        elif port_kind == 'plain':
            sports = [{'name': 'redis', 'port': 6379, 'targetPort': 6379}]
        elif port_kind == 'p6380':
            sports = [{'name': 'tcp', 'port': 6380, 'targetPort': 'tcp-redis'}]
        elif port_kind == 'p7000':
            sports = [{'name': 'resp', 'port': 7000, 'targetPort': 6379}]
        else:
            sports = [{'name': 'redis', 'port': 6379, 'targetPort': 'tcp-redis'},
                      {'name': 'redis-tls', 'port': 6380, 'targetPort': 'tcp-redis-tls'}]
        svc_o = {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': svc, 'namespace': ns},
                 'spec': {'selector': labels, 'ports': sports}}
        if red.clusterip:
            svc_o['spec']['clusterIP'] = red.clusterip
        hl = {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': name + '-hl', 'namespace': ns},
              'spec': {'clusterIP': 'None', 'selector': labels,
                       'ports': [{'name': 'tcp-redis', 'port': 6379, 'targetPort': 'tcp-redis'}]}}
        if r.random() < 0.3:
            sts['spec']['replicas'] = 3
            red.replicas = 3
        objs = [sts, svc_o, hl]
        style = r.random()
        if style < 0.6:
            self.put(f'{ns}/platform/{name}.yaml', objs)
        elif style < 0.85:
            self.put(f'{ns}/platform/{name}/statefulset.yaml', [sts])
            self.put(f'{ns}/platform/{name}/service.yaml', [svc_o, hl])
        else:
            self.put(f'{ns}/platform/{name}.json', objs, fmt='json')
        self.redis_by_ns[ns].append(red)
        self.resources[red.id] = {'kind': 'statefulset', 'service': svc, 'port': red.port, 'tls_port': red.tls_port}
        return red

    # ---------- output
    def put(self, path, objs, fmt='yaml'):
        if path in self.files:
            self.files[path][0].extend(objs)
        else:
            self.files[path] = (list(objs), fmt)

    # ---------- host forms
    def host_for(self, w, tgt, allow_alias=True):
        r = self.rng
        if isinstance(tgt, External):
            if tgt.alias and tgt.alias_ns == w.ns and r.random() < 0.7:
                return r.choice([tgt.alias, f'{tgt.alias}.{w.ns}', f'{tgt.alias}.{w.ns}.svc.cluster.local']), 'ext-alias'
            return tgt.host, 'ext-literal'
        forms = []
        if tgt.ns == w.ns:
            forms += [(tgt.svc, 'short')] * 3
        forms += [(f'{tgt.svc}.{tgt.ns}', 'name.ns'), (f'{tgt.svc}.{tgt.ns}.svc', 'name.ns.svc'),
                  (f'{tgt.svc}.{tgt.ns}.svc.cluster.local', 'fqdn')]
        if tgt.clusterip:
            forms.append((tgt.clusterip, 'clusterip'))
        if r.random() < 0.08 and tgt.port_kind in ('plain', 'tls'):
            forms.append((f'{tgt.name}-{r.randrange(tgt.replicas)}.{tgt.name}-hl.{tgt.ns}.svc.cluster.local', 'pod-dns'))
        if allow_alias and w.ns in tgt.aliases:
            forms += [(tgt.aliases[w.ns], 'alias')] * 3
        if allow_alias and w.ns in tgt.chain:
            forms += [(tgt.chain[w.ns], 'alias-chain'), (f'{tgt.chain[w.ns]}.{w.ns}', 'alias-chain')]
        return r.choice(forms)

    def port_for(self, tgt, tls):
        if isinstance(tgt, External):
            return tgt.port
        if tls and tgt.tls_port:
            return tgt.tls_port
        return tgt.port

    def url(self, w, tgt, tls=None, pw=True, db=True):
        r = self.rng
        host, form = self.host_for(w, tgt)
        if tls is None:
            tls = tgt.tls if isinstance(tgt, External) else (tgt.tls and r.random() < 0.6)
        port = self.port_for(tgt, tls)
        scheme = 'rediss' if tls else 'redis'
        auth = ''
        if pw and r.random() < 0.4:
            auth = r.choice([':s3cr3t@', 'default:hunter2@', 'app:p%40ss@'])
        path = f'/{r.randint(0, 15)}' if db and r.random() < 0.5 else ''
        return f'{scheme}://{auth}{host}:{port}{path}', form, tls

    # ---------- routes (each adds settings for one target to workload w)
    def r_env_url(self, w, c, tgt):
        u, form, tls = self.url(w, tgt)
        key = c.take(self.rng.choice(['REDIS_URL', 'CACHE_REDIS_URL', 'SIDEKIQ_REDIS_URL', 'RQ_REDIS_URL',
                                      'CELERY_BROKER_URL', 'CELERY_RESULT_BACKEND', 'BULL_REDIS_URL',
                                      'SESSION_REDIS_URL', 'RATE_LIMIT_REDIS_URL', 'REDIS_DSN',
                                      'SPRING_DATA_REDIS_URL', 'VALKEY_URL']))
        c.env.append({'name': key, 'value': u})
        w.add(tgt.id, 'env-url-tls' if tls else 'env-url')
        w.add(tgt.id, 'host-' + form)

    def r_env_split(self, w, c, tgt):
        r = self.rng
        host, form = self.host_for(w, tgt)
        tls = tgt.tls if isinstance(tgt, External) else (tgt.tls and r.random() < 0.5)
        port = self.port_for(tgt, tls)
        style = r.choice(['REDIS', 'CACHE', 'SPRING_DATA_REDIS', 'SPRING_REDIS', 'APP_REDIS', 'SESSION_STORE',
                          'QUEUE_REDIS', 'WP_REDIS', 'KV'])
        hk, pk = c.take(f'{style}_HOST'), c.take(f'{style}_PORT')
        # only keep paired names when both are free with the same prefix
        c.env.append({'name': hk, 'value': host})
        c.env.append({'name': pk, 'value': str(port)})
        if tls:
            tk = {'SPRING_DATA_REDIS': 'SPRING_DATA_REDIS_SSL_ENABLED', 'SPRING_REDIS': 'SPRING_REDIS_SSL'}.get(
                style, f'{style}_TLS')
            if tk not in c.used:
                c.used.add(tk)
                c.env.append({'name': tk, 'value': 'true'})
        w.add(tgt.id, 'env-split')
        w.add(tgt.id, 'host-' + form)

    def r_env_addr(self, w, c, tgt):
        host, form = self.host_for(w, tgt)
        port = self.port_for(tgt, False if not isinstance(tgt, External) else tgt.tls)
        key = c.take(self.rng.choice(['REDIS_ADDR', 'VALKEY_ADDR', 'REDIS_SERVER', 'REDIS_ENDPOINT', 'REDIS_ADDRESS',
                                      'CACHE_REDIS_ADDR']))
        c.env.append({'name': key, 'value': f'{host}:{port}'})
        w.add(tgt.id, 'env-addr')
        w.add(tgt.id, 'host-' + form)

    def r_cm_keyref(self, w, c, tgt):
        r = self.rng
        u, form, tls = self.url(w, tgt)
        cm = self.uname(w, f'{w.name}-settings')
        key = r.choice(['redis.url', 'cache_url', 'REDIS_URL', 'sessions.endpoint', 'broker'])
        var = c.take(r.choice(['REDIS_URL', 'STORE_URL', 'CACHE_URL', 'BROKER_URL', 'SESSION_REDIS']))
        self.cm_add(w, cm, {key: u, 'LOG_FORMAT': 'json'})
        c.env.append({'name': var, 'valueFrom': {'configMapKeyRef': {'name': cm, 'key': key}}})
        w.add(tgt.id, 'configmap-keyref')
        w.add(tgt.id, 'host-' + form)

    def r_secret_keyref(self, w, c, tgt):
        r = self.rng
        u, form, tls = self.url(w, tgt)
        sec = self.uname(w, f'{w.name}-redis-creds')
        key = r.choice(['url', 'connection-string', 'REDIS_URL', 'uri'])
        var = c.take(r.choice(['REDIS_URL', 'REDIS_CONNECTION', 'CACHE_URI', 'QUEUE_URL']))
        self.secret_add(w, sec, {key: u}, r.random() < 0.5)
        c.env.append({'name': var, 'valueFrom': {'secretKeyRef': {'name': sec, 'key': key}}})
        w.add(tgt.id, 'secret-keyref-stringdata' if self._last_sd else 'secret-keyref-data')
        w.add(tgt.id, 'host-' + form)

    def r_envfrom_cm(self, w, c, tgt):
        r = self.rng
        host, form = self.host_for(w, tgt)
        port = self.port_for(tgt, False if not isinstance(tgt, External) else tgt.tls)
        cm = self.uname(w, f'{w.name}-env-{len(w.extra)}')
        if r.random() < 0.5:
            # prefix variant: keys HOST/PORT, prefix makes them REDIS_HOST / REDIS_PORT
            pre = r.choice(['REDIS_', 'CACHE_REDIS_', 'SESSIONS_REDIS_'])
            if pre + 'HOST' in c.used or pre + 'PORT' in c.used:
                pre = 'X' + str(len(c.used)) + '_REDIS_'
            c.used.update({pre + 'HOST', pre + 'PORT'})
            self.cm_add(w, cm, {'HOST': host, 'PORT': str(port), 'TIMEOUT_MS': '2500'})
            c.env_from.append({'prefix': pre, 'configMapRef': {'name': cm}})
            w.add(tgt.id, 'envfrom-configmap-prefix')
        else:
            u, form, tls = self.url(w, tgt)
            key = c.take(r.choice(['REDIS_URL', 'CACHE_URL', 'RQ_REDIS_URL', 'SIDEKIQ_REDIS_URL']))
            if key == 'CACHE_URL' and not u.startswith('redis'):
                key = c.take('REDIS_URL')
            self.cm_add(w, cm, {key: u, 'APP_ENV': 'production'})
            c.env_from.append({'configMapRef': {'name': cm}})
            w.add(tgt.id, 'envfrom-configmap')
        w.add(tgt.id, 'host-' + form)

    def r_envfrom_secret(self, w, c, tgt):
        u, form, tls = self.url(w, tgt)
        sec = self.uname(w, f'{w.name}-env-secret-{len(w.extra)}')
        key = c.take(self.rng.choice(['REDIS_URL', 'REDIS_TLS_URL', 'BULL_REDIS_URL']))
        self.secret_add(w, sec, {key: u, 'API_TOKEN': 'tok-123'}, self.rng.random() < 0.5)
        c.env_from.append({'secretRef': {'name': sec}})
        w.add(tgt.id, 'envfrom-secret')
        w.add(tgt.id, 'host-' + form)

    def r_shared_cm(self, w, c, tgt):
        # the namespace's shared env ConfigMap (tgt is forced to the ns's first Redis)
        cmname, key = self.ns_cm[w.ns][0], self.ns_cm[w.ns][1]
        c.used.add(key)
        c.env_from.append({'configMapRef': {'name': cmname}})
        w.add(tgt.id, 'envfrom-shared-configmap')

    def r_mount(self, w, c, tgt):
        r = self.rng
        host, form = self.host_for(w, tgt)
        tls = tgt.tls if isinstance(tgt, External) else (tgt.tls and r.random() < 0.5)
        port = self.port_for(tgt, tls)
        u = f'{"rediss" if tls else "redis"}://{host}:{port}/0'
        fmt = r.choice(['application.yaml', 'application.properties', 'config.toml', 'settings.json', 'app.env',
                        'redis.ini', 'cable.yml'])
        if fmt == 'application.yaml':
            text = ('server:\n  port: 8080\nspring:\n  application:\n    name: %s\n  data:\n    redis:\n'
                    '      host: %s\n      port: %d\n%s      timeout: 2s\nmanagement:\n  endpoints:\n'
                    '    web:\n      exposure:\n        include: health\n') % (
                w.name, host, port, '      ssl:\n        enabled: true\n' if tls else '')
        elif fmt == 'application.properties':
            text = ('server.port=8080\nspring.application.name=%s\nspring.redis.host=%s\nspring.redis.port=%d\n%s'
                    'logging.level.root=INFO\n') % (w.name, host, port, 'spring.redis.ssl=true\n' if tls else '')
        elif fmt == 'config.toml':
            text = ('[server]\nlisten = ":8080"\n\n[redis]\naddr = "%s:%d"\ndb = 2\ntls = %s\npool_size = 16\n'
                    % (host, port, 'true' if tls else 'false'))
        elif fmt == 'settings.json':
            text = json.dumps({'http': {'port': 8080}, 'cache': {'redis': {'url': u, 'ttlSeconds': 300}},
                               'features': {'beta': False}}, indent=2) + '\n'
        elif fmt == 'app.env':
            text = 'APP_ENV=production\nLOG_LEVEL=info\nREDIS_URL=%s\nREDIS_POOL=10\n' % u
        elif fmt == 'redis.ini':
            text = '[app]\nname = %s\n\n[redis]\nhost = %s\nport = %d\n' % (w.name, host, port)
        else:  # cable.yml (Rails)
            text = 'production:\n  adapter: redis\n  url: %s\n  channel_prefix: %s_production\n' % (u, w.name.replace('-', '_'))
        cm = self.uname(w, f'{w.name}-files-{len(w.extra)}')
        vol = w.vol()
        data = {fmt: text, 'logging.yaml': 'level: info\nformat: json\n'}
        how = r.choice(['whole', 'items', 'items-renamed', 'subpath', 'secret', 'projected'])
        if how == 'secret':
            self.secret_add(w, cm, data, r.random() < 0.5)
            w.volumes.append({'name': vol, 'secret': {'secretName': cm}})
            c.mounts.append({'name': vol, 'mountPath': f'/etc/{w.name}/{vol}', 'readOnly': True})
        else:
            self.cm_add(w, cm, data)
            if how == 'whole':
                w.volumes.append({'name': vol, 'configMap': {'name': cm}})
                c.mounts.append({'name': vol, 'mountPath': f'/etc/app/{vol}'})
            elif how == 'items':
                w.volumes.append({'name': vol, 'configMap': {'name': cm, 'items': [{'key': fmt, 'path': fmt}]}})
                c.mounts.append({'name': vol, 'mountPath': f'/config/{vol}'})
            elif how == 'items-renamed':
                # key stored under another name; the file gets its real name through items.path
                data2 = {'main': text, 'logging.yaml': data['logging.yaml']}
                self.cm_replace(w, cm, data2)
                w.volumes.append({'name': vol, 'configMap': {'name': cm, 'items': [{'key': 'main', 'path': 'conf/' + fmt}]}})
                c.mounts.append({'name': vol, 'mountPath': f'/srv/{vol}'})
            elif how == 'subpath':
                w.volumes.append({'name': vol, 'configMap': {'name': cm}})
                c.mounts.append({'name': vol, 'mountPath': f'/app/config/{fmt}', 'subPath': fmt})
            else:
                w.volumes.append({'name': vol, 'projected': {'sources': [{'configMap': {'name': cm}}]}})
                c.mounts.append({'name': vol, 'mountPath': f'/etc/projected/{vol}'})
        w.add(tgt.id, f'mount-{how}-{fmt}')
        w.add(tgt.id, 'host-' + form)

    def r_args(self, w, c, tgt):
        r = self.rng
        host, form = self.host_for(w, tgt)
        tls = tgt.tls if isinstance(tgt, External) else (tgt.tls and r.random() < 0.5)
        port = self.port_for(tgt, tls)
        styles = ['eq', 'go', 'split', 'url-next', 'hostport-flags', 'dotted']
        if not c.args and not c.shc:
            styles.append('shc')
        style = r.choice(styles)
        if c.shc and style in ('go', 'split', 'url-next'):
            style = 'eq'
        if c.shc:
            # the program's flags live inside the sh -c script
            flag = {'eq': f'--redis={host}:{port}', 'hostport-flags': f'--redis-host={host} --redis-port={port}',
                    'dotted': f'-redis.addr={host}:{port}'}[style]
            c.args[0] += ' ' + flag + (' --redis-tls' if tls else '')
            w.add(tgt.id, 'args-in-shc-' + style)
            w.add(tgt.id, 'host-' + form)
            return
        if style == 'eq':
            c.args += [f'--redis={host}:{port}']
        elif style == 'go':
            c.args += ['-redis-addr', f'{host}:{port}']
        elif style == 'split':
            c.args += ['--redis-addr', f'{host}:{port}']
        elif style == 'url-next':
            c.args += ['--cache-url', f'{"rediss" if tls else "redis"}://{host}:{port}/1']
        elif style == 'hostport-flags':
            c.args += [f'--redis-host={host}', f'--redis-port={port}']
        elif style == 'dotted':
            c.args += [f'-redis.addr={host}:{port}']
        else:
            c.command = ['/bin/sh', '-c']
            c.shc = True
            c.args = [f'exec /usr/local/bin/{w.team}-svc --listen :8080 --redis-url '
                      f'{"rediss" if tls else "redis"}://{host}:{port}/0']
            style = 'sh-c'
        if tls and style in ('eq', 'go', 'split', 'hostport-flags', 'dotted'):
            c.args.append('--redis-tls')
        w.add(tgt.id, 'args-' + style)
        w.add(tgt.id, 'host-' + form)

    def r_args_var(self, w, c, tgt):
        r = self.rng
        host, form = self.host_for(w, tgt)
        port = self.port_for(tgt, False if not isinstance(tgt, External) else tgt.tls)
        hv, pv = c.take('UPSTREAM_KV_HOST'), c.take('UPSTREAM_KV_PORT')
        c.env.append({'name': hv, 'value': host})
        c.env.append({'name': pv, 'value': str(port)})
        if c.shc:
            c.args[0] += f' --redis-addr=$({hv}):$({pv})'
        elif r.random() < 0.5:
            c.args += [f'--redis-addr=$({hv}):$({pv})']
        else:
            c.args += ['--cache-url', f'redis://$({hv}):$({pv})/3']
        w.add(tgt.id, 'args-var-expansion')
        w.add(tgt.id, 'host-' + form)

    def r_init_wait(self, w, c, tgt):
        r = self.rng
        host, form = self.host_for(w, tgt)
        port = self.port_for(tgt, False if not isinstance(tgt, External) else tgt.tls)
        if r.random() < 0.5:
            ic = Container(f'wait-for-kv{len(w.init)}', 'busybox:1.36')
            ic.command = ['sh', '-c', f'until nc -z {host} {port}; do echo waiting; sleep 2; done']
            tag = 'init-nc'
        else:
            ic = Container(f'wait-for-kv{len(w.init)}', 'redis:7.2-alpine')
            ic.command = ['sh', '-c', f'until redis-cli -h {host} -p {port} ping; do sleep 1; done']
            tag = 'init-redis-cli'
        w.init.append(ic)
        w.add(tgt.id, tag)
        w.add(tgt.id, 'host-' + form)

    def r_sidecar_url(self, w, c, tgt):
        # a second container of the pod (e.g. a queue worker sidecar) holds the URL
        u, form, tls = self.url(w, tgt)
        sc = Container(f'queue-sidecar{len(w.containers)}', f'ghcr.io/acme/{w.team}-sidecar:2.1')
        sc.env.append({'name': 'RQ_REDIS_URL', 'value': u})
        w.containers.append(sc)
        w.add(tgt.id, 'sidecar-env')
        w.add(tgt.id, 'host-' + form)

    def r_prefixed_url_in_nonredis_key(self, w, c, tgt):
        # key says nothing about Redis; the value's scheme does
        u, form, tls = self.url(w, tgt)
        key = c.take(self.rng.choice(['SESSION_BACKEND', 'JOB_QUEUE', 'STORE', 'PUBSUB_DSN']))
        c.env.append({'name': key, 'value': u})
        w.add(tgt.id, 'env-url-plainkey')
        w.add(tgt.id, 'host-' + form)

    def r_var_chain(self, w, c, tgt):
        r = self.rng
        host, form = self.host_for(w, tgt)
        port = self.port_for(tgt, False if not isinstance(tgt, External) else tgt.tls)
        cm = self.uname(w, f'{w.name}-endpoints-{len(w.extra)}')
        self.cm_add(w, cm, {'kv.host': host, 'kv.port': str(port)})
        hv, pv, uv = c.take('KV_HOST'), c.take('KV_PORT'), c.take('REDIS_URL')
        c.env += [{'name': hv, 'valueFrom': {'configMapKeyRef': {'name': cm, 'key': 'kv.host'}}},
                  {'name': pv, 'valueFrom': {'configMapKeyRef': {'name': cm, 'key': 'kv.port'}}},
                  {'name': uv, 'value': f'{"rediss" if getattr(tgt, "tls", False) and isinstance(tgt, External) else "redis"}://$({hv}):$({pv})/0'}]
        w.add(tgt.id, 'env-var-chain-from-configmap')
        w.add(tgt.id, 'host-' + form)

    def r_node_config(self, w, c, tgt):
        host, form = self.host_for(w, tgt)
        port = self.port_for(tgt, False if not isinstance(tgt, External) else tgt.tls)
        cm = self.uname(w, f'{w.name}-nodecfg-{len(w.extra)}')
        self.cm_add(w, cm, {'production.json': json.dumps({'server': {'port': 3000},
                                                             'redis': {'host': host, 'port': port, 'db': 0}}, indent=2) + '\n'})
        v = w.vol()
        w.volumes.append({'name': v, 'configMap': {'name': cm}})
        c.mounts.append({'name': v, 'mountPath': '/usr/src/app/config'})
        if 'NODE_ENV' not in c.used:
            c.used.add('NODE_ENV')
            c.env.append({'name': 'NODE_ENV', 'value': 'production'})
        w.add(tgt.id, 'mount-node-config')
        w.add(tgt.id, 'host-' + form)

    def r_django(self, w, c, tgt):
        u, form, tls = self.url(w, tgt, pw=False)
        cm = self.uname(w, f'{w.name}-django-{len(w.extra)}')
        text = ('import os\n\nDEBUG = False\nALLOWED_HOSTS = ["*"]\n\nCACHES = {\n    "default": {\n'
                '        "BACKEND": "django_redis.cache.RedisCache",\n        "LOCATION": "%s",\n'
                '        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},\n    }\n}\n') % u
        self.cm_add(w, cm, {'settings_production.py': text})
        v = w.vol()
        w.volumes.append({'name': v, 'configMap': {'name': cm}})
        c.mounts.append({'name': v, 'mountPath': '/app/mysite/settings_production.py', 'subPath': 'settings_production.py'})
        w.add(tgt.id, 'mount-django-settings')
        w.add(tgt.id, 'host-' + form)

    def r_shared_env_anchor(self, w, c, tgt):
        # a second container shares the app's env list (PyYAML writes an anchor and alias)
        self.r_env_url(w, c, tgt)
        sc = Container(f'worker{len(w.containers)}', c.image)
        sc.env = c.env
        sc.args = ['--mode=worker']
        w.containers.append(sc)
        w.add(tgt.id, 'yaml-anchor-env')

    def r_command_flag(self, w, c, tgt):
        host, form = self.host_for(w, tgt)
        port = self.port_for(tgt, False if not isinstance(tgt, External) else tgt.tls)
        if c.command is None and not c.shc:
            c.command = [f'/opt/{w.team}/bin/server', f'--redis-address={host}:{port}']
            w.add(tgt.id, 'command-flag')
        else:
            return self.r_env_addr(w, c, tgt)
        w.add(tgt.id, 'host-' + form)

    def r_envfrom_secret_prefix(self, w, c, tgt):
        host, form = self.host_for(w, tgt)
        port = self.port_for(tgt, False if not isinstance(tgt, External) else tgt.tls)
        sec = self.uname(w, f'{w.name}-kv-conn')
        pre = 'REDIS_'
        if 'REDIS_HOST' in c.used or 'REDIS_PORT' in c.used:
            pre = self.rng.choice(['ORDERS_REDIS_', 'JOBS_REDIS_', 'KV_REDIS_'])
            if pre + 'HOST' in c.used:
                pre = f'Z{len(c.used)}_REDIS_'
        c.used.update({pre + 'HOST', pre + 'PORT', pre + 'PASSWORD'})
        self.secret_add(w, sec, {'HOST': host, 'PORT': str(port), 'PASSWORD': 'pw'}, self.rng.random() < 0.5)
        c.env_from.append({'prefix': pre, 'secretRef': {'name': sec}})
        w.add(tgt.id, 'envfrom-secret-prefix')
        w.add(tgt.id, 'host-' + form)

    def r_args_from_secret_var(self, w, c, tgt):
        u, form, tls = self.url(w, tgt)
        sec = self.uname(w, f'{w.name}-dsn')
        var = c.take('KV_DSN')
        self.secret_add(w, sec, {'dsn': u}, self.rng.random() < 0.5)
        c.env.append({'name': var, 'valueFrom': {'secretKeyRef': {'name': sec, 'key': 'dsn'}}})
        if c.shc:
            c.args[0] += f' --cache-url=$({var})'
        else:
            c.args.append(f'--cache-url=$({var})')
        w.add(tgt.id, 'args-var-from-secret')
        w.add(tgt.id, 'host-' + form)

    def r_url_unexpanded_password(self, w, c, tgt):
        host, form = self.host_for(w, tgt)
        tls = tgt.tls if isinstance(tgt, External) else False
        port = self.port_for(tgt, tls)
        pv = c.take('REDIS_PASSWORD')
        c.env.append({'name': pv, 'valueFrom': {'secretKeyRef': {'name': 'vault-injected-redis', 'key': 'password'}}})
        key = c.take('REDIS_URL')
        c.env.append({'name': key, 'value': f'{"rediss" if tls else "redis"}://:$({pv})@{host}:{port}/0'})
        w.add(tgt.id, 'env-url-password-var-outside-scan')
        w.add(tgt.id, 'host-' + form)

    def r_cluster_nodes(self, w, c, tgt):
        if isinstance(tgt, External) or tgt.replicas < 2 or tgt.port_kind not in ('plain', 'tls'):
            return self.r_env_url(w, c, tgt)
        nodes = ','.join(f'{tgt.name}-{i}.{tgt.name}-hl.{tgt.ns}.svc.cluster.local:6379' for i in range(tgt.replicas))
        key = c.take(self.rng.choice(['REDIS_NODES', 'REDIS_CLUSTER_NODES', 'SPRING_DATA_REDIS_CLUSTER_NODES']))
        c.env.append({'name': key, 'value': nodes})
        w.add(tgt.id, 'env-node-list')
        w.add(tgt.id, 'host-pod-dns')

    ROUTES = [('r_command_flag', 3), ('r_envfrom_secret_prefix', 3), ('r_args_from_secret_var', 3),
              ('r_url_unexpanded_password', 3), ('r_cluster_nodes', 3), ('r_var_chain', 4), ('r_node_config', 3), ('r_django', 3), ('r_shared_env_anchor', 2),
              ('r_env_url', 16), ('r_env_split', 12), ('r_env_addr', 6), ('r_cm_keyref', 9), ('r_secret_keyref', 9),
              ('r_envfrom_cm', 9), ('r_envfrom_secret', 5), ('r_mount', 12), ('r_args', 9), ('r_args_var', 4),
              ('r_init_wait', 3), ('r_sidecar_url', 3), ('r_prefixed_url_in_nonredis_key', 3)]

    # ---------- object helpers
    def uname(self, w, name):
        taken = {o['metadata']['name'] for o in w.extra}
        base, k = name, 2
        while name in taken:
            name = f'{base}-{k}'
            k += 1
        return name

    def cm_add(self, w, name, data):
        w.extra.append({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': name, 'namespace': w.ns},
                        'data': dict(data)})

    def cm_replace(self, w, name, data):
        for o in w.extra:
            if o['kind'] == 'ConfigMap' and o['metadata']['name'] == name:
                o['data'] = dict(data)

    def secret_add(self, w, name, data, stringdata):
        self._last_sd = stringdata
        o = {'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': name, 'namespace': w.ns}, 'type': 'Opaque'}
        if stringdata:
            o['stringData'] = dict(data)
        else:
            o['data'] = {k: b64(v) for k, v in data.items()}
        w.extra.append(o)

    # ---------- precedence cases (truth by Kubernetes rules)
    def prec_case(self, w, c, a, b):
        """a, b: two distinct in-cluster Redis. Returns the truth targets."""
        r = self.rng
        kind = r.choice(['env-over-envfrom', 'later-env-wins', 'envfrom-order', 'var-sees-earlier',
                         'secret-env-over-cm-envfrom', 'secret-stringdata-wins'])
        ua, _, _ = self.url(w, a, tls=False, pw=False)
        ub, _, _ = self.url(w, b, tls=False, pw=False)
        if kind == 'env-over-envfrom':
            cm = f'{w.name}-defaults'
            self.cm_add(w, cm, {'REDIS_URL': ua, 'WORKERS': '4'})
            c.env_from.append({'configMapRef': {'name': cm}})
            c.env.append({'name': 'REDIS_URL', 'value': ub})
            got = [b]
        elif kind == 'later-env-wins':
            ha, _ = self.host_for(w, a)
            hb, _ = self.host_for(w, b)
            c.env += [{'name': 'REDIS_HOST', 'value': ha}, {'name': 'REDIS_PORT', 'value': str(a.port)},
                      {'name': 'LOG_LEVEL', 'value': 'info'},
                      {'name': 'REDIS_HOST', 'value': hb}, {'name': 'REDIS_PORT', 'value': str(b.port)}]
            got = [b]
        elif kind == 'envfrom-order':
            self.cm_add(w, f'{w.name}-base', {'REDIS_URL': ua})
            self.cm_add(w, f'{w.name}-override', {'REDIS_URL': ub})
            c.env_from += [{'configMapRef': {'name': f'{w.name}-base'}}, {'configMapRef': {'name': f'{w.name}-override'}}]
            got = [b]
        elif kind == 'secret-env-over-cm-envfrom':
            self.cm_add(w, f'{w.name}-base', {'REDIS_URL': ua, 'FEATURE_X': 'on'})
            self.secret_add(w, f'{w.name}-sec', {'url': ub}, r.random() < 0.5)
            c.env_from.append({'configMapRef': {'name': f'{w.name}-base'}})
            c.env.append({'name': 'REDIS_URL', 'valueFrom': {'secretKeyRef': {'name': f'{w.name}-sec', 'key': 'url'}}})
            got = [b]
        elif kind == 'secret-stringdata-wins':
            sec = f'{w.name}-conn'
            w.extra.append({'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': sec, 'namespace': w.ns},
                            'type': 'Opaque', 'data': {'REDIS_URL': b64(ua)}, 'stringData': {'REDIS_URL': ub}})
            c.env_from.append({'secretRef': {'name': sec}})
            got = [b]
        else:  # var-sees-earlier
            ha, _ = self.host_for(w, a)
            hb, _ = self.host_for(w, b)
            cm = f'{w.name}-defaults'
            self.cm_add(w, cm, {'REDIS_HOST': ha})
            c.env_from.append({'configMapRef': {'name': cm}})
            c.env += [{'name': 'REDIS_URL', 'value': f'redis://$(REDIS_HOST):{a.port}/0'},
                      {'name': 'REDIS_HOST', 'value': hb}, {'name': 'REDIS_PORT', 'value': str(b.port)}]
            got = [a, b]
        c.used.update({'REDIS_URL', 'REDIS_HOST', 'REDIS_PORT'})
        for t in got:
            w.add(t.id, 'prec-' + kind)
        return kind

    # ---------- look-alikes
    def lookalike(self, w, c):
        r = self.rng
        ns_redis = self.redis_by_ns.get(w.ns) or self.shared
        red = r.choice(ns_redis)
        u = f'redis://{red.svc}.{red.ns}.svc.cluster.local:{red.port}/0'
        kind = r.choice(['lk-nonredis-key', 'lk-commented', 'lk-disabled', 'lk-otherdb', 'lk-annotation',
                         'lk-tunables', 'lk-items-hide', 'lk-postgres-envfrom', 'lk-empty-override',
                         'lk-optional-missing', 'lk-markdown-mount', 'lk-envfrom-nonredis', 'lk-redis-words',
                         'lk-cable-dev-only', 'lk-commented-yaml-file', 'lk-secret-nonredis', 'lk-other-brokers'])
        w.tags.append(kind)
        c.env.append({'name': 'LOG_LEVEL', 'value': 'info'})
        if kind == 'lk-nonredis-key':
            cm = f'{w.name}-mixed'
            self.cm_add(w, cm, {'REDIS_URL': u, 'LOG_FORMAT': 'json', 'FEATURE_FLAGS': 'a,b'})
            c.env.append({'name': 'LOG_FORMAT', 'valueFrom': {'configMapKeyRef': {'name': cm, 'key': 'LOG_FORMAT'}}})
        elif kind == 'lk-commented':
            c.env.append({'name': '__COMMENT__', 'value': f'- name: REDIS_URL|  value: {u}'})
            c.env.append({'name': 'HTTP_PORT', 'value': '8080'})
            cm = f'{w.name}-props'
            self.cm_add(w, cm, {'application.properties':
                                f'server.port=8080\n# spring.redis.host={red.svc}.{red.ns}\n# spring.redis.port={red.port}\n'
                                'spring.cache.type=simple\n'})
            v = w.vol()
            w.volumes.append({'name': v, 'configMap': {'name': cm}})
            c.mounts.append({'name': v, 'mountPath': '/config'})
        elif kind == 'lk-disabled':
            c.env += [{'name': 'REDIS_ENABLED', 'value': 'false'},
                      {'name': 'REDIS_HOST', 'value': f'{red.svc}.{red.ns}'},
                      {'name': 'REDIS_PORT', 'value': str(red.port)}]
        elif kind == 'lk-otherdb':
            c.env += [{'name': 'DATABASE_URL', 'value': f'postgres://app:pw@pg-main.{w.ns}:5432/app'},
                      {'name': 'CACHE_URL', 'value': f'memcached://memcache.{w.ns}:11211'},
                      {'name': 'AMQP_URL', 'value': f'amqp://guest:guest@rabbitmq.{w.ns}:5672/'},
                      {'name': 'CACHE_HOST', 'value': f'memcache.{w.ns}'}, {'name': 'CACHE_PORT', 'value': '11211'},
                      {'name': 'MONGO_URI', 'value': f'mongodb://mongo-0.mongo.{w.ns}:27017/db'}]
        elif kind == 'lk-annotation':
            w.annotations['description'] = f'Formerly cached sessions in {u}; moved to in-process cache in 2024.'
            w.pod_annotations['runbook.acme.io/notes'] = f'If latency spikes, check redis-cli -h {red.svc}.{red.ns} INFO'
        elif kind == 'lk-tunables':
            c.env += [{'name': 'REDIS_TIMEOUT', 'value': '5s'}, {'name': 'REDIS_DB', 'value': '3'},
                      {'name': 'REDIS_POOL_SIZE', 'value': '20'}, {'name': 'REDIS_KEY_PREFIX', 'value': f'{w.name}:'},
                      {'name': 'REDIS_MAX_RETRIES', 'value': '3'}, {'name': 'REDIS_CLIENT', 'value': 'ioredis'}]
        elif kind == 'lk-items-hide':
            cm = f'{w.name}-bundle'
            self.cm_add(w, cm, {'redis.yaml': f'redis:\n  url: {u}\n', 'logging.yaml': 'level: warn\n'})
            v = w.vol()
            w.volumes.append({'name': v, 'configMap': {'name': cm, 'items': [{'key': 'logging.yaml', 'path': 'logging.yaml'}]}})
            c.mounts.append({'name': v, 'mountPath': '/etc/app'})
        elif kind == 'lk-later-var':
            c.env.append({'name': 'CONN', 'value': f'redis://$(TARGET_HOST):{red.port}/0'})
            c.env.append({'name': 'TARGET_HOST', 'value': f'{red.svc}.{red.ns}'})
        elif kind == 'lk-postgres-envfrom':
            c.image = 'postgres:16.3'
            c.name = 'postgres'
            cm = f'{w.name}-common'
            self.cm_add(w, cm, {'REDIS_URL': u, 'POSTGRES_DB': 'app', 'TZ': 'UTC'})
            c.env_from.append({'configMapRef': {'name': cm}})
        elif kind == 'lk-empty-override':
            cm = f'{w.name}-defaults'
            self.cm_add(w, cm, {'REDIS_URL': u, 'WORKERS': '2'})
            c.env_from.append({'configMapRef': {'name': cm}})
            c.env.append({'name': 'REDIS_URL', 'value': ''})
        elif kind == 'lk-optional-missing':
            cm = f'{w.name}-opt'
            self.cm_add(w, cm, {'LOG_FORMAT': 'json'})
            c.env.append({'name': 'REDIS_URL', 'valueFrom': {'configMapKeyRef': {'name': cm, 'key': 'REDIS_URL',
                                                                                  'optional': True}}})
        elif kind == 'lk-markdown-mount':
            cm = f'{w.name}-docs'
            self.cm_add(w, cm, {'MIGRATION.md': f'# Migration\n\nWe used to talk to `{u}` directly; now we do not.\n',
                                'motd.txt': 'welcome\n'})
            v = w.vol()
            w.volumes.append({'name': v, 'configMap': {'name': cm}})
            c.mounts.append({'name': v, 'mountPath': '/usr/share/doc/app'})
        elif kind == 'lk-envfrom-nonredis':
            cm = f'{w.name}-plain'
            self.cm_add(w, cm, {'HTTP_PORT': '8080', 'WORKERS': '4', 'TZ': 'Europe/Berlin'})
            c.env_from.append({'configMapRef': {'name': cm}})
        elif kind == 'lk-redis-words':
            c.env += [{'name': 'DOCS_URL', 'value': 'https://redis.io/docs/latest/develop/clients/'},
                      {'name': 'HELM_CHART', 'value': 'oci://registry-1.docker.io/bitnamicharts/redis'},
                      {'name': 'CACHE_IMAGE', 'value': 'redis:7.2-alpine'},
                      {'name': 'FEATURE_REDIS_MIGRATION_DONE', 'value': 'true'}]
        elif kind == 'lk-cable-dev-only':
            cm = f'{w.name}-rails'
            self.cm_add(w, cm, {'cable.yml': 'development:\n  adapter: redis\n  url: redis://localhost:6379/1\n\n'
                                             'test:\n  adapter: test\n\nproduction:\n  adapter: async\n'})
            v = w.vol()
            w.volumes.append({'name': v, 'configMap': {'name': cm}})
            c.mounts.append({'name': v, 'mountPath': '/rails/config/cable.yml', 'subPath': 'cable.yml'})
            c.env.append({'name': 'RAILS_ENV', 'value': 'production'})
        elif kind == 'lk-commented-yaml-file':
            cm = f'{w.name}-appcfg'
            self.cm_add(w, cm, {'application.yaml': 'server:\n  port: 8080\nspring:\n  cache:\n    type: caffeine\n'
                                                    f'#  data:\n#    redis:\n#      host: {red.svc}.{red.ns}\n'
                                                    f'#      port: {red.port}\n'})
            v = w.vol()
            w.volumes.append({'name': v, 'configMap': {'name': cm}})
            c.mounts.append({'name': v, 'mountPath': '/workspace/config'})
        elif kind == 'lk-secret-nonredis':
            sec = f'{w.name}-keys'
            self.secret_add(w, sec, {'API_KEY': 'abc', 'JWT_SECRET': 'def'}, r.random() < 0.5)
            c.env_from.append({'secretRef': {'name': sec}})
            sec2 = f'{w.name}-mixed-secret'
            self.secret_add(w, sec2, {'redis-url': u, 'smtp-password': 'x'}, r.random() < 0.5)
            c.env.append({'name': 'SMTP_PASSWORD', 'valueFrom': {'secretKeyRef': {'name': sec2, 'key': 'smtp-password'}}})
        elif kind == 'lk-other-brokers':
            c.env += [{'name': 'KAFKA_BROKERS', 'value': f'kafka-0.kafka-hl.{w.ns}:9092,kafka-1.kafka-hl.{w.ns}:9092'},
                      {'name': 'NATS_URL', 'value': f'nats://nats.{w.ns}:4222'},
                      {'name': 'ELASTICSEARCH_URL', 'value': f'http://es.{w.ns}:9200'},
                      {'name': 'STATSD_ADDR', 'value': 'statsd.monitoring:8125'}]
            c.args += ['--memcached=memcache.' + w.ns + ':11211', '--grpc-port=9090']
        return kind

    # ---------- build
    def build(self):
        r = self.rng
        n = self.n
        nns = max(3, n // 40)
        # shared data namespaces
        for dn in ['data-core', 'data-edge', 'platform-kv']:
            self.put(f'{dn}/namespace.yaml', [{'apiVersion': 'v1', 'kind': 'Namespace', 'metadata': {'name': dn}}])
            for nm in r.sample(REDIS_NAMES, 2):
                self.shared.append(self.make_redis(dn, nm, shared=True))
        namespaces = []
        used = set()
        while len(namespaces) < nns:
            nm = f'{r.choice(WORDS)}-{r.choice(REGIONS)}'
            if len(namespaces) >= len(WORDS) * len(REGIONS) - 1:
                nm += f'-{len(namespaces)}'
            if nm in used:
                continue
            used.add(nm)
            namespaces.append(nm)
        ext_id = 0
        for ns in namespaces:
            self.put(f'{ns}/namespace.yaml', [{'apiVersion': 'v1', 'kind': 'Namespace',
                                               'metadata': {'name': ns, 'labels': {'team': ns.split('-')[0]}}}])
            for nm in r.sample(REDIS_NAMES, 1 if r.random() < 0.6 else 2):
                self.make_redis(ns, nm)
            # ExternalName alias to a shared Redis
            if r.random() < 0.4:
                tgt = r.choice(self.shared)
                alias = r.choice(['shared-cache', 'central-kv', 'platform-redis'])
                tgt.aliases[ns] = alias
                objs = [{'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': alias, 'namespace': ns},
                         'spec': {'type': 'ExternalName', 'externalName': f'{tgt.svc}.{tgt.ns}.svc.cluster.local'}}]
                if r.random() < 0.4:
                    objs.append({'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': 'legacy-' + alias, 'namespace': ns},
                                 'spec': {'type': 'ExternalName', 'externalName': f'{alias}.{ns}.svc.cluster.local'}})
                    tgt.chain[ns] = 'legacy-' + alias
                self.put(f'{ns}/aliases.yaml', objs)
            # external managed Redis behind ExternalName
            if r.random() < 0.3:
                ext_id += 1
                kind = r.choice(['azure', 'upstash', 'rediscloud', 'elasticache'])
                if kind == 'azure':
                    host, port, tls = f'acme-{ns}-{ext_id}.redis.cache.windows.net', 6380, True
                elif kind == 'upstash':
                    host, port, tls = f'{ns}-{ext_id}-fancy-owl.upstash.io', 6379, True
                elif kind == 'rediscloud':
                    host, port, tls = f'redis-{10000 + ext_id}.c{ext_id % 300}.us-east-1-2.ec2.cloud.redislabs.com', 16379, False
                else:
                    host, port, tls = f'master.{ns}-{ext_id}.abc1de.use1.cache.amazonaws.com', 6379, True
                alias = f'{kind}-kv'
                e = External(host, port, tls, ns, alias)
                self.externals_by_ns[ns].append(e)
                self.resources[host] = {'kind': 'external', 'via': f'{ns}/{alias}'}
                self.put(f'{ns}/external-{kind}.yaml', [{'apiVersion': 'v1', 'kind': 'Service',
                                                          'metadata': {'name': alias, 'namespace': ns,
                                                                       'annotations': {'acme.io/provider': kind}},
                                                          'spec': {'type': 'ExternalName', 'externalName': host}}])
        # literal-only externals: Memorystore IPs
        for i in range(max(2, nns // 10)):
            host = f'10.{120 + i % 50}.{i // 50}.{3 + i % 200}'
            self.free_externals.append(External(host, 6379, False))
            self.resources[host] = {'kind': 'external'}
        # team shared env ConfigMaps (used via envFrom by some workloads)
        for ns in namespaces:
            red = self.redis_by_ns[ns][0]
            key = 'REDIS_URL'
            self.ns_cm[ns] = (f'{ns.split("-")[0]}-shared-env', key, red)
            self.put(f'{ns}/shared-env.yaml', [{'apiVersion': 'v1', 'kind': 'ConfigMap',
                                                'metadata': {'name': self.ns_cm[ns][0], 'namespace': ns},
                                                'data': {'REDIS_URL': f'redis://{red.svc}:{red.port}/0',
                                                         'OTEL_EXPORTER_OTLP_ENDPOINT': 'http://otel-collector.observability:4317'}}])
            # unmounted ConfigMap with Redis URLs (nobody references it)
            if r.random() < 0.3:
                self.put(f'{ns}/orphans.yaml', [{'apiVersion': 'v1', 'kind': 'ConfigMap',
                                                 'metadata': {'name': 'legacy-redis-settings', 'namespace': ns},
                                                 'data': {'REDIS_URL': f'redis://{red.svc}.{ns}:{red.port}/1',
                                                          'application.yaml': f'spring:\n  redis:\n    host: {red.svc}\n'}}])
        # workloads
        for i in range(n):
            ns = namespaces[i % len(namespaces)]
            kind = wchoice(r, KINDS)
            team = ns.split('-')[0]
            role = r.choice(ROLES)
            w = Workload(ns, kind, self.wname(ns, role), team)
            if kind == 'KnativeService':
                w.id = f'{ns}/Service/{w.name}'
            if kind == 'Job' and r.random() < 0.25:
                w.name = f'{w.name}-{r.randint(28000000, 29999999)}'
                w.id = f'{ns}/Job/{w.name}'
            c = Container('app', f'ghcr.io/acme/{team}-{role}:{r.randint(1, 40)}.{r.randint(0, 9)}.{r.randint(0, 20)}')
            w.containers.append(c)
            x = r.random()
            if x < 0.14:
                self.lookalike(w, c)
                w.lookalike = True
            elif x < 0.17:
                self.special(w, c)
            else:
                self.consumer(w, c)
            self.workloads.append(w)
        self.emit_workloads()

    def special(self, w, c):
        r = self.rng
        red = r.choice(self.redis_by_ns[w.ns])
        host = f'{red.svc}.{red.ns}'
        k = r.choice(['redis-ui', 'exporter', 'backup-cronjob', 'commander-multi'])
        if k in ('redis-ui', 'commander-multi'):
            w.name = self.wname(w.ns, 'redis-ui')
            w.id = f'{w.ns}/{"Service" if w.kind == "KnativeService" else w.kind}/{w.name}'
            c.image = 'rediscommander/redis-commander:latest'
            if k == 'redis-ui':
                c.env.append({'name': 'REDIS_HOSTS', 'value': f'local:{host}:{red.port}'})
                w.add(red.id, 'redis-commander')
            else:
                other = r.choice(self.shared)
                c.env.append({'name': 'REDIS_HOSTS',
                              'value': f'team:{host}:{red.port},shared:{other.svc}.{other.ns}.svc.cluster.local:{other.port}'})
                w.add(red.id, 'redis-commander-multi')
                w.add(other.id, 'redis-commander-multi')
        elif k == 'exporter':
            c.image = 'oliver006/redis_exporter:v1.62.0'
            c.name = 'exporter'
            c.env.append({'name': 'REDIS_ADDR', 'value': f'redis://{host}:{red.port}'})
            w.add(red.id, 'redis-exporter')
        else:
            w.kind = 'CronJob'
            w.id = f'{w.ns}/{w.kind}/{w.name}'
            c.image = 'redis:7.2-alpine'
            c.command = ['sh', '-c', f'redis-cli -h {host} -p {red.port} --rdb /backup/dump-$(date +%s).rdb']
            w.add(red.id, 'redis-cli-backup')

    def consumer(self, w, c):
        r = self.rng
        ns = w.ns
        local = self.redis_by_ns[ns]
        # pick targets
        pool = []
        nt = wchoice(r, [(1, 78), (2, 18), (3, 4)])
        for _ in range(nt):
            y = r.random()
            if y < 0.62:
                pool.append(r.choice(local))
            elif y < 0.8:
                pool.append(r.choice(self.shared))
            elif self.externals_by_ns.get(ns) and y < 0.93:
                pool.append(r.choice(self.externals_by_ns[ns]))
            else:
                pool.append(r.choice(self.free_externals + self.externals_by_ns.get(ns, [])))
        # precedence case sometimes
        if r.random() < 0.06:
            cands = local + self.shared
            a, b = r.sample(cands, 2)
            self.prec_case(w, c, a, b)
        if r.random() < 0.07 and 'REDIS_URL' not in c.used:
            self.r_shared_cm(w, c, self.ns_cm[ns][2])
        seen = set()
        for tgt in pool:
            if tgt.id in seen:
                continue
            seen.add(tgt.id)
            route = wchoice(r, self.ROUTES)
            getattr(self, route)(w, c, tgt)
            if r.random() < 0.1:  # a second route to the same target
                getattr(self, wchoice(r, self.ROUTES))(w, c, tgt)
        if r.random() < 0.2:  # noise that is not Redis
            c.env.append({'name': 'DATABASE_URL', 'value': f'postgresql://svc:pw@pg.{ns}:5432/{w.team}'})
        if r.random() < 0.1:
            c.env.append({'name': 'REDIS_TIMEOUT_MS', 'value': '1500'})

    # ---------- emit
    def pod_spec(self, w):
        spec = {}
        if w.init:
            spec['initContainers'] = [x.to_obj() for x in w.init]
        spec['containers'] = [x.to_obj() for x in w.containers]
        if w.volumes:
            spec['volumes'] = w.volumes
        if w.kind in ('Job', 'CronJob'):
            spec['restartPolicy'] = 'OnFailure'
        return spec

    def workload_obj(self, w):
        labels = {'app': w.name, 'team': w.team}
        md = {'name': w.name, 'namespace': w.ns, 'labels': dict(labels)}
        if w.annotations:
            md['annotations'] = dict(w.annotations)
        tmpl = {'metadata': {'labels': dict(labels)}, 'spec': self.pod_spec(w)}
        if w.pod_annotations:
            tmpl['metadata']['annotations'] = dict(w.pod_annotations)
        sel = {'matchLabels': dict(labels)}
        k = w.kind
        if k == 'Deployment':
            return {'apiVersion': 'apps/v1', 'kind': k, 'metadata': md,
                    'spec': {'replicas': 2, 'selector': sel, 'template': tmpl}}
        if k == 'StatefulSet':
            return {'apiVersion': 'apps/v1', 'kind': k, 'metadata': md,
                    'spec': {'serviceName': w.name, 'replicas': 1, 'selector': sel, 'template': tmpl}}
        if k == 'DaemonSet':
            return {'apiVersion': 'apps/v1', 'kind': k, 'metadata': md, 'spec': {'selector': sel, 'template': tmpl}}
        if k == 'ReplicaSet':
            return {'apiVersion': 'apps/v1', 'kind': k, 'metadata': md,
                    'spec': {'replicas': 1, 'selector': sel, 'template': tmpl}}
        if k == 'Job':
            tmpl['spec']['restartPolicy'] = 'Never'
            return {'apiVersion': 'batch/v1', 'kind': k, 'metadata': md, 'spec': {'backoffLimit': 2, 'template': tmpl}}
        if k == 'CronJob':
            return {'apiVersion': 'batch/v1', 'kind': k, 'metadata': md,
                    'spec': {'schedule': f'{self.rng.randint(0, 59)} */6 * * *', 'concurrencyPolicy': 'Forbid',
                             'jobTemplate': {'spec': {'template': tmpl}}}}
        if k == 'Pod':
            spec = tmpl['spec']
            md['labels'] = dict(labels)
            if w.pod_annotations:
                md.setdefault('annotations', {}).update(w.pod_annotations)
            return {'apiVersion': 'v1', 'kind': 'Pod', 'metadata': md, 'spec': spec}
        if k == 'Rollout':
            return {'apiVersion': 'argoproj.io/v1alpha1', 'kind': 'Rollout', 'metadata': md,
                    'spec': {'replicas': 3, 'selector': sel, 'template': tmpl,
                             'strategy': {'canary': {'steps': [{'setWeight': 20}, {'pause': {'duration': '5m'}}]}}}}
        if k == 'KnativeService':
            ps = tmpl['spec']
            ps.pop('restartPolicy', None)
            return {'apiVersion': 'serving.knative.dev/v1', 'kind': 'Service', 'metadata': md,
                    'spec': {'template': {'metadata': {'annotations': {'autoscaling.knative.dev/min-scale': '1'}},
                                          'spec': ps}}}
        if k == 'CloneSet':
            return {'apiVersion': 'apps.kruise.io/v1alpha1', 'kind': 'CloneSet', 'metadata': md,
                    'spec': {'replicas': 2, 'selector': sel, 'template': tmpl,
                             'updateStrategy': {'type': 'InPlaceIfPossible'}}}
        raise ValueError(k)

    def emit_workloads(self):
        r = self.rng
        bundles = collections.defaultdict(list)
        for w in self.workloads:
            wo = self.workload_obj(w)
            objs = w.extra + [wo]
            style = r.random()
            base = f'{w.ns}/{w.team}'
            if style < 0.5:
                self.put(f'{base}/{w.name}.yaml', objs)
            elif style < 0.7:
                for o in objs:
                    self.put(f'{base}/{w.name}/{o["kind"].lower()}-{o["metadata"]["name"]}.yaml', [o])
            elif style < 0.8:
                if r.random() < 0.5:
                    self.put(f'{base}/{w.name}.json', objs, fmt='json')
                else:
                    self.put(f'{base}/{w.name}.list.json', [{'apiVersion': 'v1', 'kind': 'List', 'items': objs}], fmt='json-one')
            else:
                bundles[w.ns].append(objs)
        for ns, groups in bundles.items():
            for i in range(0, len(groups), 6):
                objs = [o for g in groups[i:i + 6] for o in g]
                self.put(f'{ns}/bundle-{i // 6}.yaml', objs)

    def write(self, out):
        r = self.rng
        if os.path.exists(out):
            shutil.rmtree(out)
        for path, (objs, fmt) in sorted(self.files.items()):
            full = os.path.join(out, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            if fmt.startswith('json'):
                objs = [strip_comments(o) for o in objs]
            if fmt == 'json':
                if len(objs) == 1:
                    text = json.dumps(objs[0], indent=2) + '\n'
                else:
                    text = '\n'.join(json.dumps(o) for o in objs) + '\n'  # one object per line, as kubectl reads
            elif fmt == 'json-one':
                text = json.dumps(objs[0], indent=2) + '\n'
            else:
                style = r.random()
                if style < 0.1:
                    text = ''.join(dump_yaml(strip_comments(o), flow=True) + '---\n' for o in objs)
                elif style < 0.2:
                    text = ''.join('---\n' + dump_yaml(o) + '...\n' for o in objs)
                else:
                    text = '---\n'.join(dump_yaml(o) for o in objs)
                if r.random() < 0.5:
                    text = '# generated by gen3; managed by the platform team\n---\n' + text
                if r.random() < 0.05:
                    text = '\ufeff' + text
                if r.random() < 0.1:
                    text = text.replace('\n', '\r\n')
            with open(full, 'w', newline='') as f:
                f.write(text)

    def truth(self):
        consumers = {}
        routes = {}
        link_routes = {}
        look = []
        for w in self.workloads:
            if w.targets:
                consumers[w.id] = sorted(w.targets)
                link_routes[w.id] = {t: sorted(v) for t, v in w.targets.items()}
            elif w.lookalike:
                look.append(w.id)
            routes[w.id] = w.tags
        ref = {t for v in consumers.values() for t in v}
        res = {k: v for k, v in self.resources.items() if v.get('kind') != 'external' or k in ref}
        return {'consumers': consumers, 'lookalikes': look, 'routes': routes, 'link_routes': link_routes,
                'resources': res}


class Dumper(__import__('yaml').SafeDumper):
    pass


def _str_rep(dumper, data):
    if '\n' in data:
        return dumper.represent_scalar('tag:yaml.org,2002:str', data, style='|')
    return dumper.represent_scalar('tag:yaml.org,2002:str', data)


Dumper.add_representer(str, _str_rep)


def dump_yaml(o, flow=False):
    import yaml
    text = yaml.dump(o, Dumper=Dumper, sort_keys=False, default_flow_style=None if flow else False, width=100000)
    if '__COMMENT__' in text:
        lines = text.split('\n')
        outl = []
        i = 0
        while i < len(lines):
            ln = lines[i]
            m = re.match(r'^(\s*)- name: __COMMENT__$', ln)
            if m:
                ind = m.group(1)
                import yaml
                val = yaml.safe_load(lines[i + 1].split('value: ', 1)[1])
                for part in val.split('|'):
                    outl.append(f'{ind}# {part}')
                i += 2
                continue
            outl.append(ln)
            i += 1
        text = '\n'.join(outl)
    return text


def strip_comments(o):
    if isinstance(o, dict):
        return {k: strip_comments(v) for k, v in o.items()}
    if isinstance(o, list):
        return [strip_comments(x) for x in o if not (isinstance(x, dict) and x.get('name') == '__COMMENT__')]
    return o


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--workloads', type=int, default=500)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--out', required=True)
    ap.add_argument('--truth', required=True)
    a = ap.parse_args()
    g = Gen(a.workloads, a.seed)
    g.build()
    g.write(a.out)
    t = g.truth()
    with open(a.truth, 'w') as f:
        json.dump(t, f, indent=1, sort_keys=True)
    nlinks = sum(len(v) for v in t['consumers'].values())
    print(f'{len(g.files)} files, {len(g.workloads)} workloads, {len(t["consumers"])} consumers, {nlinks} links, '
          f'{len(t["lookalikes"])} lookalikes, {len(g.resources)} resources')


if __name__ == '__main__':
    main()
