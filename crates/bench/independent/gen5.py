#!/usr/bin/env python3
"""gen5: synthetic organisation generator for fallout accuracy checks.

usage: gen5.py OUTDIR --workloads N [--seed S]
   or: gen5.py --workloads N --seed S --out TREE --truth TRUTH.json

Writes OUTDIR/tree (manifests, compose projects, app config dirs) and
OUTDIR/truth.json (or TREE and TRUTH.json):
  consumers:   {consumer_id: [target resource names]}
  lookalikes:  [workload ids that must NOT be reported]
  routes:      {consumer_id: [route tags]}
  link_routes: {consumer_id: {target: [route tags]}}
  resources:   {resource name: description}
  reasons:     {id: why it is / is not a consumer}   (explicit reasoning)

Truth rules (Kubernetes semantics):
  * a one-label host resolves in the pod's own namespace; `svc.ns`,
    `svc.ns.svc[.cluster.local]` and `pod.headless.ns...` name that namespace;
  * env entries win over envFrom; a later envFrom source wins over an
    earlier one; $(VAR) only sees variables defined before it;
  * an ExternalName Service is the external host it names;
  * a Redis container's own exporter / sentinel sidecar is part of it;
  * an app whose Redis feature is disabled, a doc file, a commented-out
    line, an http URL to a Redis web UI, a non-Redis datastore whose
    shared env holds a Redis URL: no consumer.
"""
import argparse
import base64
import json
import os
import random

# --------------------------------------------------------------------------
# tiny YAML emitter (block style; json-quoted scalars; literal blocks)


class Comment:
    def __init__(self, text):
        self.text = text


def _scalar(v):
    if v is None:
        return 'null'
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if isinstance(v, (int, float)):
        return str(v)
    s = str(v)
    plain_ok = (s and s[0].isalnum() and all(c.isalnum() or c in '-_./' for c in s)
                and s.lower() not in ('yes', 'no', 'true', 'false', 'on', 'off', 'null', 'y', 'n')
                and not _looks_number(s))
    return s if plain_ok else json.dumps(s)


def _looks_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def _block(s, ind):
    pad = ' ' * ind
    head = '|' if s.endswith('\n') else '|-'
    body = s[:-1] if s.endswith('\n') else s
    return head + '\n' + '\n'.join((pad + ln) if ln else '' for ln in body.split('\n'))


COMPACT = [False]


def _flow(d):
    return '{' + ', '.join(f'{_scalar(k)}: {_scalar(v)}' for k, v in d.items()) + '}'


def _flat(d):
    return isinstance(d, dict) and d and len(d) <= 3 and all(
        not isinstance(v, (dict, list)) and not (isinstance(v, str) and '\n' in v) for v in d.values())


def yaml_dump(obj, ind=0, compact=False):
    out = []
    COMPACT[0] = compact
    _emit(obj, ind, out)
    return '\n'.join(out) + '\n'


def _emit(obj, ind, out):
    pad = ' ' * ind
    if isinstance(obj, dict):
        if not obj:
            out.append(pad + '{}')
        for k, v in obj.items():
            key = _scalar(k)
            if COMPACT[0] and _flat(v) and k in ('matchLabels', 'fieldRef', 'configMapKeyRef', 'secretKeyRef', 'configMapRef', 'secretRef', 'resources', 'selector'):
                out.append(f'{pad}{key}: {_flow(v)}')
            elif isinstance(v, dict) and v:
                out.append(f'{pad}{key}:')
                _emit(v, ind + 2, out)
            elif isinstance(v, list) and v:
                out.append(f'{pad}{key}:')
                _emit(v, ind, out)
            elif isinstance(v, str) and '\n' in v:
                out.append(f'{pad}{key}: ' + _block(v, ind + 2))
            elif isinstance(v, list):
                out.append(f'{pad}{key}: []')
            elif isinstance(v, dict):
                out.append(f'{pad}{key}: {{}}')
            else:
                out.append(f'{pad}{key}: {_scalar(v)}')
    elif isinstance(obj, list):
        for it in obj:
            if isinstance(it, Comment):
                for ln in it.text.split('\n'):
                    out.append(f'{pad}# {ln}')
            elif COMPACT[0] and _flat(it):
                out.append(pad + '- ' + _flow(it))
            elif isinstance(it, dict) and it:
                sub = []
                _emit(it, ind + 2, sub)
                sub[0] = pad + '- ' + sub[0][ind + 2:]
                out.extend(sub)
            elif isinstance(it, list) and it:
                sub = []
                _emit(it, ind + 2, sub)
                sub[0] = pad + '- ' + sub[0][ind + 2:]
                out.extend(sub)
            elif isinstance(it, str) and '\n' in it:
                out.append(pad + '- ' + _block(it, ind + 2))
            else:
                out.append(pad + '- ' + _scalar(it))
    else:
        out.append(pad + _scalar(obj))


def strip_comments(o):
    if isinstance(o, dict):
        return {k: strip_comments(v) for k, v in o.items()}
    if isinstance(o, list):
        return [strip_comments(x) for x in o if not isinstance(x, Comment)]
    return o


# --------------------------------------------------------------------------
WORDS = ['orders', 'billing', 'catalog', 'search', 'payments', 'auth', 'media', 'notify', 'ledger',
         'shipping', 'pricing', 'reviews', 'inventory', 'profile', 'checkout', 'fraud', 'loyalty',
         'ads', 'feeds', 'chat', 'geo', 'ml', 'reports', 'audit', 'identity', 'tickets', 'crm',
         'growth', 'edge', 'partner', 'warehouse', 'returns', 'tax', 'wallet', 'promo', 'support']
APPW = ['api', 'worker', 'web', 'gateway', 'consumer', 'scheduler', 'indexer', 'sync', 'bff',
        'processor', 'exporter-job', 'cleaner', 'publisher', 'ingest', 'backend', 'frontend',
        'relay', 'importer', 'reconciler', 'notifier', 'svc', 'daemon', 'agent', 'collector']
REDIS_NAMES = ['redis', 'cache', 'sessions-redis', 'queue-redis', 'ratelimit', 'valkey', 'redis-main',
               'kv', 'locks-redis', 'feature-cache']
REDIS_IMAGES = ['redis:7.2.4', 'redis:7-alpine', 'bitnami/redis:7.2.4-debian-12-r9',
                'valkey/valkey:8.0', 'docker.io/library/redis:6.2', 'eqalpha/keydb:x86_64_v6.3.4',
                'redis/redis-stack-server:7.2.0-v9', 'public.ecr.aws/docker/library/redis:7.0']
APP_IMAGES = ['ghcr.io/acme/{a}:{v}', 'registry.acme.io/{ns}/{a}:{v}', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/{a}:{v}',
              'europe-docker.pkg.dev/acme/apps/{a}:{v}']
PREFIXES = ['CACHE', 'SESSION', 'QUEUE', 'RATELIMIT', 'LOCK', 'FEATURE', 'STREAM', 'PUBSUB']


def b64(s):
    return base64.b64encode(s.encode()).decode()


class Redis:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def target(self):
        return self.rid


class Gen:
    def __init__(self, seed, n, root, truth_path=None):
        self.truth_path = truth_path
        self.r = random.Random(seed)
        self.n = n
        self.root = root
        self.objs = {}          # ns -> list of (group, obj)  group = app name for per-app layouts
        self.truth = {}         # cid -> set(targets)
        self.link_routes = {}   # cid -> {target: set(tags)}
        self.routes = {}        # cid -> set(tags)
        self.look = {}          # cid -> tags
        self.reasons = {}
        self.resources = {}
        self.used_names = set()
        self.files = {}         # relpath -> text (non-manifest files)
        self.ns_redis = {}      # ns -> [Redis]
        self.ns_ext = {}        # ns -> [Redis] (externals reachable from ns via ExternalName)
        self.ip_counter = 0
        self.shared_cm = {}
        self.kustom = []

    # ------------------------------------------------------------ helpers
    def uniq(self, ns, base):
        name = base
        i = 2
        while (ns, name) in self.used_names:
            name = f'{base}-{i}'
            i += 1
        self.used_names.add((ns, name))
        return name

    def add(self, ns, group, obj):
        self.objs.setdefault(ns, []).append((group, obj))

    def link(self, cid, target, tags):
        self.truth.setdefault(cid, set()).add(target)
        self.link_routes.setdefault(cid, {}).setdefault(target, set()).update(tags)
        self.routes.setdefault(cid, set()).update(tags)

    def pw(self):
        return ''.join(self.r.choice('abcdefghjkmnpqrstuvwxyz23456789') for _ in range(14))

    # ------------------------------------------------------------ org
    def build(self):
        r = self.r
        n_ns = max(8, self.n // 45)
        words = WORDS[:]
        self.namespaces = []
        for i in range(n_ns):
            w = words[i % len(words)]
            env = r.choice(['prod', 'stg', 'dev', 'prod', 'prod'])
            ns = f'{w}-{env}' if i < len(words) else f'{w}-{env}-{i // len(words)}'
            self.namespaces.append(ns)
        self.shared_ns = 'platform-data'
        self.namespaces.append(self.shared_ns)
        for ns in [self.shared_ns] + self.namespaces[:-1]:
            self.ns_redis[ns] = []
            self.ns_ext[ns] = []
            k = 3 if ns == self.shared_ns else r.choice([0, 1, 1, 1, 2, 2, 3])
            names = r.sample(REDIS_NAMES, k)
            if ns == self.shared_ns:
                names = ['redis', 'sessions-redis', 'cache']
            for nm in names:
                style = r.choices(['plain', 'tls', 'portmap', 'bitnami', 'sentinel', 'headless-only', 'cluster'],
                                  [40, 12, 10, 14, 8, 6, 6])[0]
                if ns == self.shared_ns and nm == 'redis':
                    style = 'plain'
                self.make_redis(ns, nm, style)
            if r.random() < 0.3:
                self.make_external(ns)
            if r.random() < 0.08:
                self.make_onprem(ns)
            if r.random() < 0.12:
                self.make_alias(ns)
            own = [x for x in self.ns_redis[ns] if x.svc and x.style in ('plain', 'portmap', 'tls', 'bitnami')]
            if own and r.random() < 0.6:
                # the same ConfigMap name in every namespace, each naming its own Redis
                rd = r.choice(own)
                self.shared_cm[ns] = rd
                self.add(ns, 'redis-env', {'apiVersion': 'v1', 'kind': 'ConfigMap',
                                           'metadata': {'name': 'redis-env', 'namespace': ns},
                                           'data': {'REDIS_HOST': rd.svc, 'REDIS_PORT': str(rd.sport)}})
        # a Redis nobody uses
        self.make_redis(self.shared_ns, 'legacy-redis', 'plain')
        # ---- workloads
        k8s_n = int(self.n * 0.92)
        self.kustom_n = int(self.n * 0.02)
        comp_n = int(self.n * 0.03)
        app_n = self.n - k8s_n - comp_n
        for i in range(k8s_n):
            self.make_workload(i)
        for i in range(int(self.n * 0.02)):
            self.make_handwritten(i)
        self.make_compose(comp_n)
        self.make_apps(app_n)

    # ------------------------------------------------------------ redis servers
    def make_redis(self, ns, nm, style):
        r = self.r
        name = self.uniq(ns, nm if style != 'bitnami' else f'{nm}-master')
        if style == 'sentinel':
            name = self.uniq(ns, f'{nm}-node')
        labels = {'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': name}
        image = r.choice(REDIS_IMAGES)
        if style == 'bitnami':
            image = 'docker.io/bitnami/redis:7.2.4-debian-12-r9'
        secret = f'{name}-auth'
        tls = style == 'tls'
        headless = f'{name}-headless'
        svc = name if style != 'sentinel' else nm
        cport, sport = 6379, 6379
        if style == 'portmap':
            sport = r.choice([16379, 7000, 6380])
        metrics = False
        containers = []
        env = [{'name': 'REDIS_PASSWORD', 'valueFrom': {'secretKeyRef': {'name': secret, 'key': 'redis-password'}}}]
        if style == 'bitnami':
            env += [{'name': 'REDIS_REPLICATION_MODE', 'value': 'master'},
                    {'name': 'ALLOW_EMPTY_PASSWORD', 'value': 'no'},
                    {'name': 'REDIS_PORT', 'value': '6379'}]
            main = {'name': 'redis', 'image': image, 'env': env,
                    'command': ['/bin/bash'], 'args': ['-c', '/opt/bitnami/scripts/start-scripts/start-master.sh'],
                    'ports': [{'name': 'redis', 'containerPort': 6379}]}
        else:
            args = ['--port', '6379', '--requirepass', '$(REDIS_PASSWORD)', '--appendonly', 'yes']
            if tls:
                args = ['--port', '6379', '--tls-port', '6380', '--tls-cert-file', '/tls/tls.crt',
                        '--tls-key-file', '/tls/tls.key', '--tls-ca-cert-file', '/tls/ca.crt',
                        '--requirepass', '$(REDIS_PASSWORD)']
            if style == 'cluster':
                args = ['--port', '6379', '--cluster-enabled', 'yes', '--cluster-config-file', '/data/nodes.conf',
                        '--requirepass', '$(REDIS_PASSWORD)', '--masterauth', '$(REDIS_PASSWORD)']
            main = {'name': 'redis', 'image': image, 'env': env, 'args': args,
                    'ports': [{'name': 'redis', 'containerPort': 6379}]}
            if tls:
                main['ports'].append({'name': 'redis-tls', 'containerPort': 6380})
        containers.append(main)
        if r.random() < 0.35:
            metrics = True
            # metrics exporter watching its own Redis: part of the Redis, not a consumer
            containers.append({'name': 'metrics', 'image': 'oliver006/redis_exporter:v1.58.0',
                               'env': [{'name': 'REDIS_ADDR', 'value': 'redis://localhost:6379'},
                                       {'name': 'REDIS_PASSWORD', 'valueFrom': {'secretKeyRef': {'name': secret, 'key': 'redis-password'}}}],
                               'ports': [{'name': 'metrics', 'containerPort': 9121}]})
        sentinel_master = None
        cip = None
        if style == 'sentinel':
            sentinel_master = r.choice(['mymaster', f'{nm}-primary', 'master'])
            containers.append({'name': 'sentinel', 'image': image,
                               'command': ['redis-sentinel', '/etc/sentinel/sentinel.conf'],
                               'ports': [{'name': 'sentinel', 'containerPort': 26379}],
                               'volumeMounts': [{'name': 'sentinel-conf', 'mountPath': '/etc/sentinel'}]})
            self.add(ns, name, {'apiVersion': 'v1', 'kind': 'ConfigMap',
                                'metadata': {'name': f'{name}-sentinel', 'namespace': ns},
                                'data': {'sentinel.conf':
                                         f'port 26379\nsentinel monitor {sentinel_master} {name}-0.{headless}.{ns}.svc.cluster.local 6379 2\n'
                                         f'sentinel down-after-milliseconds {sentinel_master} 5000\n'}})
        sts = {'apiVersion': 'apps/v1', 'kind': 'StatefulSet',
               'metadata': {'name': name, 'namespace': ns, 'labels': dict(labels)},
               'spec': {'serviceName': headless if style != 'headless-only' else name,
                        'replicas': {'sentinel': 3, 'cluster': 6}.get(style, 1),
                        'selector': {'matchLabels': dict(labels)},
                        'template': {'metadata': {'labels': dict(labels)},
                                     'spec': {'containers': containers}}}}
        vols = []
        if tls:
            vols.append({'name': 'tls', 'secret': {'secretName': f'{name}-tls'}})
            main['volumeMounts'] = [{'name': 'tls', 'mountPath': '/tls', 'readOnly': True}]
        if style == 'sentinel':
            vols.append({'name': 'sentinel-conf', 'configMap': {'name': f'{name}-sentinel'}})
        if vols:
            sts['spec']['template']['spec']['volumes'] = vols
        self.add(ns, name, {'apiVersion': 'v1', 'kind': 'Secret', 'type': 'Opaque',
                            'metadata': {'name': secret, 'namespace': ns},
                            'data': {'redis-password': b64(self.pw())}})
        self.add(ns, name, sts)
        if style != 'headless-only':
            ports = [{'name': 'tcp-redis', 'port': sport, 'targetPort': 'redis' if r.random() < 0.5 else cport}]
            if tls:
                ports.append({'name': 'tcp-redis-tls', 'port': 6380, 'targetPort': 6380})
            if style == 'sentinel':
                ports.append({'name': 'tcp-sentinel', 'port': 26379, 'targetPort': 26379})
            self.ip_counter += 1
            cip = f'10.96.{self.ip_counter // 250}.{self.ip_counter % 250 + 2}' if r.random() < 0.4 else None
            sspec = {'type': 'ClusterIP', 'selector': dict(labels), 'ports': ports}
            if cip:
                sspec = {'type': 'ClusterIP', 'clusterIP': cip, 'selector': dict(labels), 'ports': ports}
            self.add(ns, name, {'apiVersion': 'v1', 'kind': 'Service',
                                'metadata': {'name': svc, 'namespace': ns, 'labels': dict(labels)},
                                'spec': sspec})
            self.add(ns, name, {'apiVersion': 'v1', 'kind': 'Service',
                                'metadata': {'name': headless, 'namespace': ns},
                                'spec': {'clusterIP': 'None', 'publishNotReadyAddresses': True,
                                         'selector': dict(labels),
                                         'ports': [{'name': 'tcp-redis', 'port': 6379, 'targetPort': 'redis'}]}})
        else:
            self.add(ns, name, {'apiVersion': 'v1', 'kind': 'Service',
                                'metadata': {'name': name, 'namespace': ns},
                                'spec': {'clusterIP': 'None', 'selector': dict(labels),
                                         'ports': [{'name': 'redis', 'port': 6379}]}})
            headless = name
            sport = 6379
        if metrics:
            self.add(ns, name, {'apiVersion': 'v1', 'kind': 'Service',
                                'metadata': {'name': f'{name}-metrics', 'namespace': ns,
                                             'annotations': {'prometheus.io/scrape': 'true', 'prometheus.io/port': '9121'}},
                                'spec': {'selector': dict(labels), 'ports': [{'name': 'http-metrics', 'port': 9121, 'targetPort': 'metrics'}]}})
        rd = Redis(ns=ns, name=name, svc=svc if style != 'headless-only' else None, headless=headless,
                   sport=sport, cport=cport, tls=tls, style=style, secret=secret, external=False,
                   sentinel_master=sentinel_master, rid=f'{ns}/{name}', metrics=metrics, cip=cip,
                   replicas={'sentinel': 3, 'cluster': 6}.get(style, 1))
        self.resources[rd.rid] = f'StatefulSet {style}'
        self.ns_redis[ns].append(rd)
        return rd

    def make_external(self, ns):
        r = self.r
        kind = r.choice(['elasticache', 'azure', 'memorystore-dns', 'upstash'])
        base = r.choice(['sessions', 'orders', 'cache', 'rl', 'queue', 'profile'])
        tag = ''.join(r.choice('abcdef0123456789') for _ in range(6))
        if kind == 'elasticache':
            host = f'master.{ns}-{base}.{tag}.euw1.cache.amazonaws.com'
            port, tls = 6379, r.random() < 0.6
        elif kind == 'azure':
            host = f'{ns}-{base}-{tag}.redis.cache.windows.net'
            port, tls = 6380, True
        elif kind == 'memorystore-dns':
            host = f'{base}-{tag}.redis.memorystore.gcp.acme.internal'
            port, tls = 6378, True
        else:
            host = f'eu1-{base}-{tag}.upstash.io'
            port, tls = 6379, True
        svc = self.uniq(ns, f'{base}-redis-ext')
        self.add(ns, svc, {'apiVersion': 'v1', 'kind': 'Service',
                           'metadata': {'name': svc, 'namespace': ns,
                                        'annotations': {'acme.io/managed-by': kind}},
                           'spec': {'type': 'ExternalName', 'externalName': host}})
        rd = Redis(ns=ns, name=svc, svc=svc, headless=None, sport=port, cport=port, tls=tls, style=kind,
                   secret=None, external=True, host=host, sentinel_master=None, rid=host, metrics=False)
        self.resources[host] = f'external {kind} behind ExternalName {ns}/{svc}'
        self.ns_ext[ns].append(rd)

    def make_onprem(self, ns):
        # a Service without selector + Endpoints to an on-prem Redis
        self.ip_counter += 1
        ip = f'10.{40 + self.ip_counter // 200}.{self.ip_counter % 200}.{10 + self.ip_counter % 7}'
        svc = self.uniq(ns, 'onprem-redis')
        self.add(ns, svc, {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': svc, 'namespace': ns},
                           'spec': {'ports': [{'name': 'redis', 'port': 6379, 'targetPort': 6379}]}})
        self.add(ns, svc, {'apiVersion': 'v1', 'kind': 'Endpoints', 'metadata': {'name': svc, 'namespace': ns},
                           'subsets': [{'addresses': [{'ip': ip}], 'ports': [{'name': 'redis', 'port': 6379}]}]})
        rd = Redis(ns=ns, name=svc, svc=svc, headless=None, sport=6379, cport=6379, tls=False, style='onprem',
                   secret=None, external=True, host=ip, sentinel_master=None, rid=ip, metrics=False)
        self.resources[ip] = f'on-prem Redis behind selectorless Service {ns}/{svc}'
        self.ns_ext[ns].append(rd)

    def make_alias(self, ns):
        # ExternalName to another namespace's Redis Service (a chain the scanner must follow)
        pool = [x for x in self.ns_redis[self.shared_ns] if x.svc and x.name != 'legacy-redis']
        t = self.r.choice(pool)
        svc = self.uniq(ns, f'{t.svc}-alias')
        target_host = f'{t.svc}.{t.ns}.svc.cluster.local'
        self.add(ns, svc, {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': svc, 'namespace': ns},
                           'spec': {'type': 'ExternalName', 'externalName': target_host}})
        rd = Redis(ns=ns, name=svc, svc=svc, headless=None, sport=t.sport, cport=t.sport, tls=False, style='alias',
                   secret=None, external=True, host=target_host, sentinel_master=None, rid=t.rid, metrics=False)
        self.ns_ext[ns].append(rd)

    # ------------------------------------------------------------ addressing
    def reachable(self, ns):
        """targets a workload in ns may reach, weighted toward its own."""
        own = self.ns_redis[ns] + self.ns_ext[ns]
        shared = self.ns_redis[self.shared_ns]
        if own and self.r.random() < 0.75:
            return self.r.choice(own)
        others = [x for x in shared if x.name != 'legacy-redis']
        if self.r.random() < 0.3:
            # any namespace's Redis
            pool = [x for n2 in self.namespaces for x in self.ns_redis[n2] if x.name != 'legacy-redis']
            return self.r.choice(pool)
        return self.r.choice(others)

    def hostport(self, rd, ns, tls=False):
        """(host, port, tags) how a pod in ns writes rd's address."""
        r = self.r
        if rd.external:
            if rd.ns == ns:
                h = r.choice([rd.svc, rd.svc, f'{rd.svc}.{ns}.svc.cluster.local', rd.host])
            else:
                h = r.choice([f'{rd.svc}.{rd.ns}', rd.host])
            tag = 'external-name' if h != rd.host else 'external-direct'
            if rd.style in ('alias', 'onprem'):
                tag = rd.style + ('-svc' if h != rd.host else '-target')
            return h, rd.sport, [tag]
        if tls:
            port = 6380
        else:
            port = rd.sport
        forms = []
        if rd.svc:
            if rd.ns == ns:
                forms += [('short', rd.svc)] * 4
            forms += [('svc.ns', f'{rd.svc}.{rd.ns}')] * 2
            forms += [('svc.ns.svc', f'{rd.svc}.{rd.ns}.svc'), ('fqdn', f'{rd.svc}.{rd.ns}.svc.cluster.local')] * 2
            forms += [('fqdn-dot', f'{rd.svc}.{rd.ns}.svc.cluster.local.')]
            if getattr(rd, 'cip', None):
                forms += [('cluster-ip', rd.cip)] * 2
        if rd.headless:
            o = r.randrange(rd.replicas)
            forms += [('pod-dns', f'{rd.name}-{o}.{rd.headless}.{rd.ns}.svc.cluster.local'),
                      ('pod-dns-short', f'{rd.name}-{o}.{rd.headless}.{rd.ns}')]
            if rd.ns == ns and not rd.svc:
                forms += [('headless-short', rd.headless)] * 3
        tag, h = r.choice(forms)
        if tag.startswith('pod-dns') or tag == 'headless-short':
            port = 6380 if tls else rd.cport
        return h, port, ['host-' + tag]

    # ------------------------------------------------------------ workloads
    def make_workload(self, i):
        r = self.r
        ns = r.choice(self.namespaces[:-1]) if r.random() < 0.95 else self.shared_ns
        team = ns.split('-')[0]
        kind = r.choices(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod', 'ReplicaSet', 'Rollout'],
                         [48, 8, 5, 7, 14, 6, 3, 3])[0]
        name = self.uniq(ns, f'{team}-{r.choice(APPW)}')
        cid = f'{ns}/{kind}/{name}'
        role = r.choices(['consumer', 'lookalike', 'plain'], [72, 18, 10])[0]
        pb = PodBuilder(self, ns, name, kind)
        if role == 'consumer':
            nt = r.choices([1, 2, 3], [70, 25, 5])[0]
            prefixes = r.sample(PREFIXES, nt)
            seen = set()
            for p in prefixes:
                rd = self.reachable(ns)
                if rd.rid in seen:
                    continue
                seen.add(rd.rid)
                tags = pb.route(rd, p)
                for t in tags[1]:
                    self.link(cid, t, tags[0])
            if r.random() < 0.15:
                pb.lookalike(r.choice(LOOKS_SAFE))
        elif role == 'lookalike':
            lk = r.choice(LOOKS)
            pb.lookalike(lk)
            self.look[cid] = ['lookalike-' + lk]
        else:
            pb.plain()
        pb.finish()

    def make_handwritten(self, i):
        r = self.r
        ns = r.choice(self.namespaces[:-1])
        rd = self.reachable(ns)
        h, p, tags = self.hostport(rd, ns, rd.external and rd.tls)
        name = self.uniq(ns, f'{ns.split("-")[0]}-hand-{i}')
        sch = 'rediss' if rd.external and rd.tls else 'redis'
        txt = f'''# hand-written; shared env via YAML anchors
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels: &labels
    app: {name}
    team: {ns.split("-")[0]}
spec:
  selector:
    matchLabels: *labels
  template:
    metadata:
      labels: *labels
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/{name}:3.1.0
          env: &shared_env
            - name: APP_ENV
              value: production
            - name: JOBS_REDIS_URL
              value: "{sch}://{h}:{p}/4"
          resources: &res
            limits: {{cpu: 500m, memory: 256Mi}}
        - name: worker
          image: ghcr.io/acme/{name}:3.1.0
          args: ["worker", "--concurrency=8"]
          env: *shared_env
          resources: *res
'''
        if r.random() < 0.5:
            txt = txt.replace('          args: ["worker", "--concurrency=8"]\n',
                              '          args: ["worker", "--concurrency=8"]\n') + '...\n'
        self.files[f'handwritten/{ns}/{name}.yml'] = txt
        self.link(f'{ns}/Deployment/{name}', rd.rid, ['handwritten-anchor'] + tags)

    # ------------------------------------------------------------ compose / app dirs
    def make_compose(self, n):
        r = self.r
        made = 0
        p = 0
        while made < n:
            p += 1
            proj = f'{r.choice(WORDS)}-stack-{p}'
            d = f'compose/{proj}'
            fn = r.choice(['docker-compose.yml', 'compose.yaml'])
            rname = r.choice(['redis', 'cache', 'valkey', 'broker'])
            rimg = r.choice(['redis:7-alpine', 'valkey/valkey:8-alpine', 'bitnami/redis:7.2'])
            services = {rname: {'image': rimg, 'command': ['redis-server', '--appendonly', 'yes'],
                                'volumes': ['redis-data:/data']}}
            rid = f'{d}/{fn}#{rname}'
            self.resources[rid] = 'compose redis'
            envf = []
            k = r.randint(3, 6)
            for j in range(k):
                if made >= n:
                    break
                made += 1
                s = f'{r.choice(APPW)}{j}'
                cid = f'{d}/{fn}#{s}'
                mode = r.choice(['env-map', 'env-list', 'env-file', 'command', 'look-db', 'look-plain', 'env-split', 'exporter'])
                svc = {'image': f'acme/{proj}-{s}:1.0'}
                if mode == 'env-map':
                    svc['environment'] = {'REDIS_URL': f'redis://{rname}:6379/{j}', 'LOG_LEVEL': 'info'}
                    self.link(cid, rid, ['compose-env'])
                elif mode == 'env-list':
                    svc['environment'] = [f'CELERY_BROKER_URL=redis://{rname}:6379/1', 'TZ=UTC']
                    self.link(cid, rid, ['compose-env-list'])
                elif mode == 'env-split':
                    svc['environment'] = {'REDIS_HOST': rname, 'REDIS_PORT': '6379'}
                    svc['depends_on'] = [rname]
                    self.link(cid, rid, ['compose-split'])
                elif mode == 'env-file':
                    ef = f'{s}.env'
                    self.files[f'{d}/{ef}'] = f'# {s} settings\nREDIS_HOST={rname}\nREDIS_PORT=6379\nAPP_ENV=dev\n'
                    svc['env_file'] = [f'./{ef}']
                    self.link(cid, rid, ['compose-env-file'])
                elif mode == 'command':
                    svc['image'] = rimg
                    svc['command'] = f'sh -c "while true; do redis-cli -h {rname} -p 6379 bgsave; sleep 3600; done"'
                    self.link(cid, rid, ['compose-redis-cli'])
                elif mode == 'exporter':
                    svc['image'] = 'oliver006/redis_exporter:v1.58.0'
                    svc['environment'] = {'REDIS_ADDR': f'redis://{rname}:6379'}
                    self.link(cid, rid, ['compose-exporter-network'])
                    self.reasons[cid] = 'an exporter in its own container reaches the Redis over the network'
                elif mode == 'look-db':
                    # postgres sharing the apps' env file: reads no Redis setting
                    self.files[f'{d}/shared.env'] = f'POSTGRES_PASSWORD=pw\nREDIS_URL=redis://{rname}:6379/0\n'
                    svc['image'] = 'postgres:16'
                    svc['env_file'] = ['./shared.env']
                    self.look[cid] = ['lookalike-compose-postgres-shared-env']
                else:
                    svc['image'] = 'nginx:1.27'
                    svc['volumes'] = ['./html:/usr/share/nginx/html:ro']
                    self.look[cid] = ['lookalike-compose-nginx']
                services[s] = svc
            txt = f'# {proj} local stack\n' + yaml_dump({'services': services, 'volumes': {'redis-data': {}}})
            self.files[f'{d}/{fn}'] = txt

    def make_apps(self, n):
        r = self.r
        for i in range(n):
            app = f'{r.choice(WORDS)}-{r.choice(APPW)}-{i}'
            d = f'services/{app}'
            self.files[f'{d}/Dockerfile'] = 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "-m", "app"]\n'
            cid = f'app:{d}'
            rd = r.choice([x for x in self.ns_redis[self.shared_ns] if x.name != 'legacy-redis' and x.svc])
            host = f'{rd.svc}.{rd.ns}.svc.cluster.local'
            mode = r.choice(['toml', 'yaml', 'ini', 'look-readme', 'look-example'])
            if mode == 'toml':
                self.files[f'{d}/config/settings.toml'] = f'[server]\nport = 8080\n\n[redis]\nurl = "redis://{host}:{rd.sport}/2"\n'
                self.link(cid, rd.rid, ['app-toml'])
            elif mode == 'yaml':
                self.files[f'{d}/config/application.yml'] = (
                    f'server:\n  port: 8080\nspring:\n  data:\n    redis:\n      host: {host}\n      port: {rd.sport}\n')
                self.link(cid, rd.rid, ['app-spring-yaml'])
            elif mode == 'ini':
                self.files[f'{d}/app.ini'] = f'[app]\nname = {app}\n\n[redis]\nhost = {host}\nport = {rd.sport}\n'
                self.link(cid, rd.rid, ['app-ini'])
            elif mode == 'look-readme':
                self.files[f'{d}/README.md'] = f'# {app}\n\nLocally: `REDIS_URL=redis://{host}:6379/0 make run`\n'
                self.look[cid] = ['lookalike-app-readme']
            else:
                self.files[f'{d}/config/settings.toml.example'] = f'[redis]\nurl = "redis://{host}:6379/0"\n'
                self.look[cid] = ['lookalike-app-example']

    # ------------------------------------------------------------ output
    def write(self):
        r = self.r
        root = self.root
        styles = ['per-kind', 'helm', 'json', 'list', 'per-app', 'ndjson']
        for ns, items in self.objs.items():
            st = r.choices(styles, [30, 20, 12, 10, 22, 6])[0]
            self.compact = r.random() < 0.3
            self.crlf = r.random() < 0.1
            cluster = r.choice(['eu-prod-1', 'us-prod-2', 'eu-stg-1'])
            if st == 'per-kind':
                by = {}
                for g, o in items:
                    by.setdefault(o['kind'].lower(), []).append((g, o))
                for k, lst in by.items():
                    parts = [f'# {k}s of namespace {ns}\n# managed by platform-team; do not edit by hand\n']
                    for g, o in lst:
                        sep = r.choice(['---\n', f'--- # {o["metadata"]["name"]}\n', '---\n'])
                        parts.append(sep + yaml_dump(o, compact=self.compact))
                    self.put(f'clusters/{cluster}/{ns}/{k}s.yaml', ''.join(parts), crlf=self.crlf)
            elif st == 'helm':
                by = {}
                for g, o in items:
                    by.setdefault(g, []).append(o)
                for g, lst in by.items():
                    parts = []
                    for o in lst:
                        parts.append(f'---\n# Source: {g}/templates/{o["kind"].lower()}.yaml\n' + yaml_dump(o))
                    self.put(f'rendered/{ns}/{g}.yaml', ''.join(parts))
            elif st == 'json':
                by = {}
                for g, o in items:
                    by.setdefault(g, []).append(strip_comments(o))
                for g, lst in by.items():
                    if len(lst) > 1 and r.random() < 0.5:
                        doc = {'apiVersion': 'v1', 'kind': 'List', 'items': lst}
                        self.put(f'json/{ns}/{g}.list.json', json.dumps(doc, indent=2) + '\n')
                    else:
                        for o in lst:
                            self.put(f'json/{ns}/{g}-{o["kind"].lower()}-{o["metadata"]["name"]}.json',
                                     json.dumps(o, indent=r.choice([2, 4])) + '\n')
            elif st == 'ndjson':
                lines = [json.dumps(strip_comments(o), separators=(',', ':')) for g, o in items]
                self.put(f'dumps/{ns}.json', '\n'.join(lines) + '\n')
            elif st == 'list':
                doc = {'apiVersion': 'v1', 'kind': 'List', 'metadata': {'resourceVersion': ''},
                       'items': [o for g, o in items]}
                self.put(f'lists/{ns}.yaml', '# kubectl get all,cm,secret -o yaml (trimmed)\n' + yaml_dump(doc))
            else:
                by = {}
                for g, o in items:
                    by.setdefault(g, []).append(o)
                for g, lst in by.items():
                    kinds = {}
                    for o in lst:
                        kk = {'ConfigMap': 'config', 'Secret': 'config'}.get(o['kind'], o['kind'].lower())
                        kinds.setdefault(kk, []).append(o)
                    for kk, os_ in kinds.items():
                        self.put(f'apps/{ns}/{g}/{kk}.yaml',
                                 ''.join(('---\n' if j else '') + yaml_dump(o, compact=self.compact) for j, o in enumerate(os_)),
                                 crlf=self.crlf)
        for p, t in self.files.items():
            self.put(p, t)
        self.write_kustomize()
        # docs folder with Redis addresses (not config)
        self.put('docs/runbooks/redis.md', '# Redis runbook\n\nConnect: `redis-cli -h redis.platform-data.svc.cluster.local -p 6379`\n'
                 '\nOld: redis://legacy-redis.platform-data:6379/0\n')
        truth = {
            'consumers': {k: sorted(v) for k, v in sorted(self.truth.items())},
            'lookalikes': sorted(self.look),
            'routes': {k: sorted(v) for k, v in self.routes.items()} | {k: v for k, v in self.look.items()},
            'link_routes': {k: {t: sorted(s) for t, s in v.items()} for k, v in self.link_routes.items()},
            'resources': dict(sorted(self.resources.items())),
            'reasons': self.reasons,
        }
        path = self.truth_path or os.path.join(os.path.dirname(root.rstrip('/')), 'truth.json')
        with open(path, 'w') as f:
            json.dump(truth, f, indent=1)

    def write_kustomize(self):
        r = self.r
        cands = [n for n in self.namespaces if any(x.svc and x.style in ('plain', 'portmap', 'bitnami', 'tls') for x in self.ns_redis[n])]
        for i in range(self.kustom_n):
            app = f'{r.choice(WORDS)}-{r.choice(APPW)}-k{i}'
            d = f'kustomize/{app}'
            dep = {'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': app, 'labels': {'app': app}},
                   'spec': {'selector': {'matchLabels': {'app': app}},
                            'template': {'metadata': {'labels': {'app': app}},
                                         'spec': {'containers': [{'name': 'app', 'image': f'ghcr.io/acme/{app}:1.0',
                                                                  'envFrom': [{'configMapRef': {'name': f'{app}-redis'}}],
                                                                  'env': [{'name': 'REDIS_DB', 'value': '3'}]}]}}}}
            self.put(f'{d}/base/deployment.yaml', yaml_dump(dep))
            self.put(f'{d}/base/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n')
            overlays = ['prod'] + (['staging'] if r.random() < 0.4 else [])
            used = set()
            for ov in overlays:
                ns = r.choice([c for c in cands if c not in used])
                used.add(ns)
                rd = r.choice([x for x in self.ns_redis[ns] if x.svc and x.style in ('plain', 'portmap', 'bitnami', 'tls')])
                host = r.choice([rd.svc, f'{rd.svc}.{ns}.svc.cluster.local'])
                prefix = f'{ov}-' if r.random() < 0.3 else ''
                k = (f'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: {ns}\n'
                     + (f'namePrefix: {prefix}\n' if prefix else '') +
                     f'resources:\n  - ../../base\nconfigMapGenerator:\n  - name: {app}-redis\n    literals:\n'
                     f'      - REDIS_HOST={host}\n      - REDIS_PORT={rd.sport}\n')
                self.put(f'{d}/overlays/{ov}/kustomization.yaml', k)
                cid = f'{ns}/Deployment/{prefix}{app}'
                self.link(cid, rd.rid, ['kustomize-overlay'] + (['kustomize-prefix'] if prefix else []))

    def put(self, rel, text, crlf=False):
        if crlf:
            text = text.replace('\n', '\r\n')
        p = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w') as f:
            f.write(text)


LOOKS = ['commented', 'disabled', 'webui-http', 'doc-mounted', 'postgres-envfrom', 'memcached',
         'example-file', 'dashboard-url', 'annotation', 'redis-settings-no-addr', 'unused-cm',
         'label-only', 'override-away', 'no-proxy', 'prometheus-scrape', 'other-ns-cm']
LOOKS_SAFE = ['commented', 'annotation', 'doc-mounted', 'label-only', 'dashboard-url', 'no-proxy']


class PodBuilder:
    def __init__(self, g, ns, name, kind):
        self.g, self.ns, self.name, self.kind = g, ns, name, kind
        self.r = g.r
        team = ns.split('-')[0]
        img = self.r.choice(APP_IMAGES).format(a=name, ns=ns, v=f'{self.r.randint(1, 9)}.{self.r.randint(0, 30)}.{self.r.randint(0, 9)}')
        self.main = {'name': self.r.choice(['app', 'main', name.split('-')[-1], 'server']), 'image': img,
                     'env': [{'name': 'LOG_LEVEL', 'value': self.r.choice(['info', 'debug', 'warn'])},
                             {'name': 'POD_NAME', 'valueFrom': {'fieldRef': {'fieldPath': 'metadata.name'}}}]}
        if self.r.random() < 0.5:
            self.main['ports'] = [{'name': 'http', 'containerPort': 8080}]
        self.inits = []
        self.sides = []
        self.volumes = []
        self.envfrom = []
        self.objs = []
        self.annotations = {}
        self.labels = {'app': name, 'team': team}
        self.cm = None          # the app's ConfigMap (dict of data)
        self.cmname = f'{name}-config'
        self.mounts = 0
        self.exclusive = set()
        self.native = False
        self.shc_script = None
        self.pw_secret = False

    def app_cm(self):
        if self.cm is None:
            self.cm = {}
        return self.cm

    def add_obj(self, o):
        self.objs.append(o)

    def mount_file(self, fname, text, kind='configMap'):
        r = self.r
        self.mounts += 1
        vname = f'cfg-{self.mounts}'
        oname = f'{self.name}-{self.mounts}-{fname.replace(".", "-").replace("_", "-").lstrip("-").lower()}'
        style = r.choice(['dir', 'subpath', 'items', 'projected'])
        if kind == 'secret':
            self.add_obj({'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': oname, 'namespace': self.ns},
                          'type': 'Opaque', 'stringData': {fname: text}})
            src = {'secret': {'secretName': oname}}
            proj = {'secret': {'name': oname}}
        else:
            self.add_obj({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': oname, 'namespace': self.ns},
                          'data': {fname: text}})
            src = {'configMap': {'name': oname}}
            proj = {'configMap': {'name': oname}}
        mp = f'/etc/{self.name}/{self.mounts}'
        vm = {'name': vname, 'mountPath': mp, 'readOnly': True}
        if style == 'subpath':
            vm = {'name': vname, 'mountPath': f'{mp}/{fname}', 'subPath': fname}
            self.volumes.append({'name': vname, **src})
        elif style == 'items':
            k = list(src)[0]
            src2 = {k: dict(src[k], items=[{'key': fname, 'path': f'conf/{fname}'}])}
            self.volumes.append({'name': vname, **src2})
        elif style == 'projected':
            self.volumes.append({'name': vname, 'projected': {'sources': [proj]}})
        else:
            self.volumes.append({'name': vname, **src})
        self.main.setdefault('volumeMounts', []).append(vm)
        return style

    def url(self, rd, tls, user=True, db=None):
        h, port, tags = self.g.hostport(rd, self.ns, tls)
        scheme = 'rediss' if tls else 'redis'
        auth = ''
        if user:
            c = self.r.random()
            if c < 0.3:
                auth = f':{self.g.pw()}@'
            elif c < 0.5:
                auth = f'default:{self.g.pw()}@'
            elif c < 0.6:
                auth = f'{self.name[:8]}:$(REDIS_PASSWORD)@'
        if db is None:
            db = self.r.randint(0, 15)
        c = self.r.random()
        if c < 0.08 and port == 6379:
            return f'{scheme}://{auth}{h}/{db}', h, port, tags + ['url-no-port']
        if c < 0.14 and not tls:
            return f'{scheme}://{auth}{h}:{port}/{db}?socket_timeout=5&health_check_interval=30', h, port, tags + ['url-query']
        if c < 0.18 and rd.style in ('plain', 'portmap', 'cluster', 'headless-only', 'tls', 'bitnami'):
            return f'{"valkeys" if tls else "valkey"}://{auth}{h}:{port}/{db}', h, port, tags + ['url-valkey-scheme']
        return f'{scheme}://{auth}{h}:{port}/{db}', h, port, tags

    def route(self, rd, P):
        """wire rd into the pod; returns (tags, [targets])"""
        r = self.r
        ns = self.ns
        targets = [rd.rid]
        tls_ok = rd.tls
        routes = ['env-url', 'env-tls-url', 'env-split', 'cm-keyref', 'secret-keyref', 'envfrom-cm',
                  'envfrom-cm-prefix', 'envfrom-secret', 'mount-spring', 'mount-dotenv', 'mount-json',
                  'mount-toml', 'mount-ini', 'mount-properties', 'args-flag', 'args-var', 'init-wait',
                  'redis-cli', 'sidecar', 'probe', 'java-opts', 'spring-json', 'stackexchange',
                  'override-win', 'envfrom-order', 'localhost-sidecar', 'sentinel', 'mount-secret-yaml',
                  'svc-env-vars', 'dollar-envfrom', 'sh-c-var', 'native-sidecar', 'cluster-nodes', 'spring-profile',
                  'commented-in-file', 'shared-cm', 'unresolved-short', 'init-migrate']
        w = [10, 5, 8, 6, 6, 6, 3, 4, 4, 3, 3, 3, 2, 2, 4, 3, 3, 2, 3, 2, 2, 2, 2, 3, 2, 2, 3, 2,
             3, 3, 3, 2, 3, 3, 2, 4, 2, 2]
        route = r.choices(routes, w)[0]
        if route == 'sentinel' and not rd.sentinel_master:
            route = 'env-url'
        if route == 'env-tls-url' and not tls_ok:
            route = 'env-url'
        if route in ('localhost-sidecar', 'native-sidecar') and (self.kind not in ('Deployment', 'StatefulSet') or self.sides_redis()):
            route = 'env-split'
        if route == 'cluster-nodes' and rd.style != 'cluster':
            route = 'env-url'
        if route == 'svc-env-vars' and (rd.ns != ns or rd.external or not rd.svc or rd.style == 'sentinel'):
            route = 'env-split'
        if route == 'shared-cm' and ns not in self.g.shared_cm:
            route = 'envfrom-cm'
        if route == 'unresolved-short':
            cands = [x for n2 in self.g.namespaces if n2 != ns for x in self.g.ns_redis[n2]
                     if x.svc and not any(y.svc == x.svc or y.name == x.svc or y.headless == x.svc for y in self.g.ns_redis[ns] + self.g.ns_ext[ns])
                     and (ns, x.svc) not in self.g.used_names]
            if not cands:
                route = 'env-url'
        if route in ('redis-cli', 'probe', 'init-wait') and rd.tls and rd.external:
            route = 'env-url'
        # routes that cannot be used twice in one pod without one hiding the other
        group = {'mount-spring': 'spring', 'mount-properties': 'spring', 'java-opts': 'spring',
                 'spring-json': 'spring', 'sentinel': 'spring', 'probe': 'probe', 'spring-profile': 'spring',
                 'envfrom-cm': 'unprefixed-envfrom', 'envfrom-secret': 'unprefixed-envfrom', 'shared-cm': 'unprefixed-envfrom',
                 'svc-env-vars': 'args', 'sh-c-var': 'command'}.get(route)
        if group:
            if group in self.exclusive:
                route = 'env-split'
            else:
                self.exclusive.add(group)
        key = f'{P}_REDIS_URL' if r.random() < 0.7 else f'{P}_URL'
        env = self.main['env']
        if route == 'env-url' or route == 'env-tls-url':
            tls = (route == 'env-tls-url') or (rd.external and rd.tls)
            u, h, p, tags = self.url(rd, tls)
            if '$(REDIS_PASSWORD)' in u and self.pw_secret:
                tags = tags + ['dollar-var-password']
            elif '$(REDIS_PASSWORD)' in u:
                self.pw_secret = True
                env.append({'name': 'REDIS_PASSWORD', 'valueFrom': {'secretKeyRef': {'name': f'{self.name}-redis', 'key': 'password'}}})
                self.add_obj({'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': f'{self.name}-redis', 'namespace': ns},
                              'data': {'password': b64(self.g.pw())}})
                tags = tags + ['dollar-var-password']
            env.append({'name': key, 'value': u})
            return [route] + tags, targets
        if route == 'env-split':
            h, p, tags = self.g.hostport(rd, ns, rd.external and rd.tls)
            env.append({'name': f'{P}_REDIS_HOST', 'value': h})
            env.append({'name': f'{P}_REDIS_PORT', 'value': str(p)})
            if rd.external and rd.tls:
                env.append({'name': f'{P}_REDIS_TLS', 'value': 'true'})
            return [route] + tags, targets
        if route == 'cm-keyref':
            h, p, tags = self.g.hostport(rd, ns, rd.external and rd.tls)
            cm = self.app_cm()
            ck = r.choice([f'{P.lower()}.redis.host', f'{P.lower()}-redis-host', f'{P}_REDIS_HOST'])
            cm[ck] = h
            env.append({'name': f'{P}_REDIS_HOST', 'valueFrom': {'configMapKeyRef': {'name': self.cmname, 'key': ck}}})
            env.append({'name': f'{P}_REDIS_PORT', 'value': str(p)})
            return [route] + tags, targets
        if route == 'secret-keyref':
            u, h, p, tags = self.url(rd, rd.external and rd.tls)
            sname = f'{self.name}-{P.lower()}-redis'
            sk = r.choice(['url', 'redis-url', 'connection-string'])
            sec = {'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': sname, 'namespace': ns}, 'type': 'Opaque'}
            if '$(REDIS_PASSWORD)' in u:
                u = u.replace('$(REDIS_PASSWORD)', self.g.pw())
            if r.random() < 0.5:
                sec['data'] = {sk: b64(u)}
                tags = tags + ['secret-data-b64']
            else:
                sec['stringData'] = {sk: u}
                tags = tags + ['secret-stringdata']
            self.add_obj(sec)
            env.append({'name': key, 'valueFrom': {'secretKeyRef': {'name': sname, 'key': sk}}})
            return [route] + tags, targets
        if route in ('envfrom-cm', 'envfrom-cm-prefix'):
            h, p, tags = self.g.hostport(rd, ns, rd.external and rd.tls)
            cname = f'{self.name}-{P.lower()}-env'
            data = {'REDIS_HOST': h, 'REDIS_PORT': str(p), 'REDIS_DB': str(r.randint(0, 9))}
            if rd.external and rd.tls:
                data['REDIS_TLS_ENABLED'] = 'true'
            self.add_obj({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': cname, 'namespace': ns}, 'data': data})
            ef = {'configMapRef': {'name': cname}}
            if route == 'envfrom-cm-prefix':
                ef['prefix'] = f'{P}_'
            self.envfrom.append(ef)
            return [route] + tags, targets
        if route == 'envfrom-secret':
            u, h, p, tags = self.url(rd, rd.external and rd.tls)
            u = u.replace('$(REDIS_PASSWORD)', self.g.pw())
            sname = f'{self.name}-{P.lower()}-secrets'
            self.add_obj({'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': sname, 'namespace': ns},
                          'type': 'Opaque', 'data': {'REDIS_URL' if r.random() < 0.5 else f'{P}_REDIS_URL': b64(u),
                                                     'API_TOKEN': b64(self.g.pw())}})
            self.envfrom.append({'secretRef': {'name': sname}})
            return [route] + tags, targets
        if route.startswith('mount-'):
            tls = rd.external and rd.tls
            h, p, tags = self.g.hostport(rd, ns, tls)
            if route == 'mount-spring':
                fname = r.choice(['application.yaml', 'application.yml', 'application-prod.yml'])
                text = (f'server:\n  port: 8080\nspring:\n  application:\n    name: {self.name}\n  data:\n    redis:\n'
                        f'      host: {h}\n      port: {p}\n' + ('      ssl:\n        enabled: true\n' if tls else '') +
                        f'      database: {r.randint(0, 5)}\n')
                if fname == 'application-prod.yml':
                    fname = 'application.yml'
            elif route == 'mount-dotenv':
                fname = r.choice(['.env', 'app.env', 'runtime.env'])
                text = f'# generated by ops\nAPP_NAME={self.name}\n{P}_REDIS_HOST={h}\n{P}_REDIS_PORT={p}\n'
                if tls:
                    text += f'{P}_REDIS_TLS=true\n'
            elif route == 'mount-json':
                fname = r.choice(['config.json', 'settings.json', 'production.json'])
                text = json.dumps({'http': {'port': 8080}, P.lower(): {'redis': {'url': f'{"rediss" if tls else "redis"}://{h}:{p}/0'}}}, indent=2) + '\n'
            elif route == 'mount-toml':
                fname = r.choice(['config.toml', 'app.toml'])
                text = f'[http]\nport = 8080\n\n[{P.lower()}.redis]\nhost = "{h}"\nport = {p}\n' + ('tls = true\n' if tls else '')
            elif route == 'mount-ini':
                fname = r.choice(['app.ini', 'settings.ini', 'service.cfg'])
                text = f'[main]\nworkers = 4\n\n[redis]\nhost = {h}\nport = {p}\n' + ('ssl = true\n' if tls else '')
            elif route == 'mount-properties':
                fname = 'application.properties'
                text = f'server.port=8080\nspring.data.redis.host={h}\nspring.data.redis.port={p}\n' + ('spring.data.redis.ssl.enabled=true\n' if tls else '')
            else:  # mount-secret-yaml
                fname = r.choice(['redis.yml', 'cache.yaml'])
                text = f'{P.lower()}:\n  redis:\n    url: {"rediss" if tls else "redis"}://:{self.g.pw()}@{h}:{p}/1\n'
                st = self.mount_file(fname, text, kind='secret')
                return [route, 'vol-' + st] + tags, targets
            st = self.mount_file(fname, text)
            return [route, 'vol-' + st] + tags, targets
        if route == 'args-flag':
            h, p, tags = self.g.hostport(rd, ns, rd.external and rd.tls)
            flag = r.choice([f'--redis-addr={h}:{p}', f'--{P.lower()}-redis={h}:{p}', f'-redis.addr={h}:{p}'])
            a = self.main.setdefault('args', ['serve'])
            a.append(flag)
            if rd.external and rd.tls:
                a.append('--redis-tls')
            return [route] + tags, targets
        if route == 'args-var':
            h, p, tags = self.g.hostport(rd, ns, rd.external and rd.tls)
            cm = self.app_cm()
            cm[f'{P.lower()}.host'] = h
            env.append({'name': f'{P}_BACKEND_HOST', 'valueFrom': {'configMapKeyRef': {'name': self.cmname, 'key': f'{P.lower()}.host'}}})
            env.append({'name': f'{P}_BACKEND_PORT', 'value': str(p)})
            sch = 'rediss' if rd.external and rd.tls else 'redis'
            a = self.main.setdefault('args', ['serve'])
            a.append(f'--{P.lower()}-url={sch}://$({P}_BACKEND_HOST):$({P}_BACKEND_PORT)/0')
            return [route] + tags, targets
        if route == 'init-wait':
            h, p, tags = self.g.hostport(rd, ns)
            self.inits.append({'name': f'wait-{P.lower()}', 'image': 'busybox:1.36',
                               'command': ['sh', '-c', f'until nc -z {h} {p}; do echo waiting for redis; sleep 2; done']})
            return [route] + tags, targets
        if route == 'redis-cli':
            h, p, tags = self.g.hostport(rd, ns)
            self.sides.append({'name': f'{P.lower()}-warmup', 'image': 'redis:7.2-alpine',
                               'command': ['sh', '-c', f'redis-cli -h {h} -p {p} -a "$REDIS_PASSWORD" --no-auth-warning ping && sleep infinity'],
                               'env': [{'name': 'REDIS_PASSWORD', 'value': self.g.pw()}]})
            return [route] + tags, targets
        if route == 'sidecar':
            u, h, p, tags = self.url(rd, rd.external and rd.tls, user=False)
            self.sides.append({'name': f'{P.lower()}-sync', 'image': 'ghcr.io/acme/cache-sync:2.1',
                               'env': [{'name': 'SYNC_REDIS_URL', 'value': u}]})
            return [route] + tags, targets
        if route == 'probe':
            h, p, tags = self.g.hostport(rd, ns)
            self.main['readinessProbe'] = {'exec': {'command': ['redis-cli', '-h', h, '-p', str(p), 'ping']},
                                           'periodSeconds': 10}
            # the app itself also uses it
            env.append({'name': f'{P}_REDIS_ADDR', 'value': f'{h}:{p}'})
            return [route] + tags, targets
        if route == 'java-opts':
            h, p, tags = self.g.hostport(rd, ns, rd.external and rd.tls)
            env.append({'name': 'JAVA_TOOL_OPTIONS',
                        'value': f'-Xmx512m -Dspring.data.redis.host={h} -Dspring.data.redis.port={p}' +
                                 (' -Dspring.data.redis.ssl.enabled=true' if rd.external and rd.tls else '')})
            return [route] + tags, targets
        if route == 'spring-json':
            h, p, tags = self.g.hostport(rd, ns, rd.external and rd.tls)
            env.append({'name': 'SPRING_APPLICATION_JSON',
                        'value': json.dumps({'spring': {'data': {'redis': {'host': h, 'port': p}}}})})
            return [route] + tags, targets
        if route == 'stackexchange':
            tls = rd.external and rd.tls or (rd.tls and r.random() < 0.5)
            h, p, tags = self.g.hostport(rd, ns, tls)
            env.append({'name': f'ConnectionStrings__{P.title()}',
                        'value': f'{h}:{p},password={self.g.pw()},ssl={"True" if tls else "False"},abortConnect=False'})
            return [route] + tags, targets
        if route == 'override-win':
            # envFrom names one Redis, env overrides the host: only env's counts
            h, p, tags = self.g.hostport(rd, ns, rd.external and rd.tls)
            decoy = self.decoy_host(rd)
            cname = f'{self.name}-{P.lower()}-defaults'
            self.add_obj({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': cname, 'namespace': ns},
                          'data': {f'{P}_REDIS_HOST': decoy, f'{P}_REDIS_PORT': str(p)}})
            self.envfrom.append({'configMapRef': {'name': cname}})
            env.append({'name': f'{P}_REDIS_HOST', 'value': h})
            if rd.external and rd.tls:
                env.append({'name': f'{P}_REDIS_TLS', 'value': 'true'})
            return [route] + tags, targets
        if route == 'envfrom-order':
            # two envFrom sources with the same key: the later wins
            h, p, tags = self.g.hostport(rd, ns, rd.external and rd.tls)
            decoy = self.decoy_host(rd)
            c1, c2 = f'{self.name}-{P.lower()}-base', f'{self.name}-{P.lower()}-site'
            self.add_obj({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': c1, 'namespace': ns},
                          'data': {f'{P}_REDIS_HOST': decoy, f'{P}_REDIS_PORT': str(p)}})
            self.add_obj({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': c2, 'namespace': ns},
                          'data': {f'{P}_REDIS_HOST': h} | ({f'{P}_REDIS_TLS': 'true'} if rd.external and rd.tls else {})})
            self.envfrom += [{'configMapRef': {'name': c1}}, {'configMapRef': {'name': c2}}]
            return [route] + tags, targets
        if route == 'localhost-sidecar':
            # a Redis sidecar in the pod: the app reaches it on localhost
            self.sides.append({'name': 'redis', 'image': 'redis:7.2-alpine', 'args': ['--save', '', '--appendonly', 'no'],
                               'ports': [{'containerPort': 6379}]})
            env.append({'name': f'{P}_REDIS_URL', 'value': r.choice(['redis://localhost:6379/0', 'redis://127.0.0.1:6379'])})
            self.g.resources[f'{ns}/{self.name}'] = 'sidecar Redis'
            return ['localhost-sidecar'], [f'{ns}/{self.name}']
        if route == 'svc-env-vars':
            var = rd.svc.upper().replace('-', '_')
            a = self.main.setdefault('args', ['serve'])
            a.append(f'--{P.lower()}-redis-addr=$({var}_SERVICE_HOST):$({var}_SERVICE_PORT)')
            return [route, 'host-service-env'], targets
        if route == 'dollar-envfrom':
            h, p, tags = self.g.hostport(rd, ns, rd.external and rd.tls)
            cname = f'{self.name}-{P.lower()}-conn'
            self.add_obj({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': cname, 'namespace': ns},
                          'data': {f'{P}_CACHE_SERVER': h, f'{P}_CACHE_SERVER_PORT': str(p)}})
            self.envfrom.append({'configMapRef': {'name': cname}})
            sch = 'rediss' if rd.external and rd.tls else 'redis'
            env.append({'name': f'{P}_REDIS_URL', 'value': f'{sch}://$({P}_CACHE_SERVER):$({P}_CACHE_SERVER_PORT)/0'})
            return [route] + tags, targets
        if route == 'sh-c-var':
            h, p, tags = self.g.hostport(rd, ns, rd.external and rd.tls)
            sname = f'{self.name}-{P.lower()}-backend'
            self.add_obj({'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': sname, 'namespace': ns},
                          'type': 'Opaque', 'stringData': {'addr': f'{h}:{p}'}})
            env.append({'name': f'{P}_STORE_ADDR', 'valueFrom': {'secretKeyRef': {'name': sname, 'key': 'addr'}}})
            self.main['command'] = ['/bin/sh', '-c']
            script = f'exec /app/bin/{self.name} --listen=:8080 \\\n  --{P.lower()}-redis=$({P}_STORE_ADDR)'
            if rd.external and rd.tls:
                script += ' --redis-tls'
            self.shc_script = script.replace('\\n', '\n')
            return [route] + tags, targets
        if route == 'native-sidecar':
            self.inits.append({'name': 'redis', 'image': 'valkey/valkey:8.0-alpine', 'restartPolicy': 'Always',
                               'args': ['--save', '', '--port', '6379']})
            env.append({'name': f'{P}_REDIS_HOST', 'value': 'localhost'})
            env.append({'name': f'{P}_REDIS_PORT', 'value': '6379'})
            self.native = True
            self.g.resources[f'{ns}/{self.name}'] = 'native sidecar Redis'
            return ['native-sidecar'], [f'{ns}/{self.name}']
        if route == 'cluster-nodes':
            nodes = ','.join(f'{rd.name}-{i}.{rd.headless}.{rd.ns}.svc.cluster.local:6379' for i in range(rd.replicas))
            env.append({'name': f'{P}_REDIS_CLUSTER_NODES', 'value': nodes})
            return [route, 'host-pod-dns'], targets
        if route == 'spring-profile':
            h, p, tags = self.g.hostport(rd, ns, rd.external and rd.tls)
            decoy = self.decoy_host(rd)
            text = (f'spring:\n  application:\n    name: {self.name}\n  data:\n    redis:\n      host: {decoy}\n      port: 6379\n'
                    f'---\nspring:\n  config:\n    activate:\n      on-profile: prod\n  data:\n    redis:\n      host: {h}\n      port: {p}\n'
                    + ('      ssl:\n        enabled: true\n' if rd.external and rd.tls else '')
                    + '---\nspring:\n  config:\n    activate:\n      on-profile: local\n  data:\n    redis:\n      host: localhost\n')
            st = self.mount_file('application.yml', text)
            env.append({'name': 'SPRING_PROFILES_ACTIVE', 'value': 'prod'})
            return [route, 'vol-' + st] + tags, targets
        if route == 'commented-in-file':
            h, p, tags = self.g.hostport(rd, ns, rd.external and rd.tls)
            decoy = self.decoy_host(rd)
            text = (f'# {P.lower()} settings (rendered by ops-tool)\n# {P}_REDIS_HOST={decoy}   # old cluster, decommissioned\n'
                    f'{P}_REDIS_HOST={h}\n{P}_REDIS_PORT={p}\n' + (f'{P}_REDIS_TLS=true\n' if rd.external and rd.tls else ''))
            st = self.mount_file('redis.env', text)
            return [route, 'vol-' + st] + tags, targets
        if route == 'shared-cm':
            t = self.g.shared_cm[ns]
            self.envfrom.append({'configMapRef': {'name': 'redis-env'}})
            return ['shared-cm', 'host-short'], [t.rid]
        if route == 'unresolved-short':
            x = r.choice(cands)
            env.append({'name': f'{P}_REDIS_URL', 'value': f'redis://{x.svc}:{x.sport}/0'})
            self.g.reasons[f'{ns}/{self.kind}/{self.name}'] = (
                f'{x.svc} is a Redis Service of {x.ns} only; the one-label name resolves in {ns}, where no such '
                f'Service exists: a consumer of the unresolved name {x.svc}.{ns}, not of {x.rid}')
            self.g.resources[f'{x.svc}.{ns}'] = 'unresolved short name (external)'
            return ['unresolved-short'], [f'{x.svc}.{ns}']
        if route == 'init-migrate':
            u, h, p, tags = self.url(rd, rd.external and rd.tls, user=False)
            sname = f'{self.name}-{P.lower()}-migrate'
            self.add_obj({'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': sname, 'namespace': ns},
                          'type': 'Opaque', 'data': {'REDIS_URL': b64(u + '\n')}})
            self.inits.append({'name': f'migrate-{P.lower()}', 'image': self.main['image'], 'args': ['migrate', '--keys'],
                               'env': [{'name': 'REDIS_URL', 'valueFrom': {'secretKeyRef': {'name': sname, 'key': 'REDIS_URL'}}}]})
            return [route, 'secret-b64-trailing-newline'] + tags, targets
        if route == 'sentinel':
            tags = ['sentinel']
            svc = rd.svc if rd.ns == ns and r.random() < 0.5 else f'{rd.svc}.{rd.ns}.svc.cluster.local'
            if r.random() < 0.5:
                env.append({'name': f'{P}_REDIS_SENTINELS', 'value': f'{svc}:26379'})
                env.append({'name': f'{P}_REDIS_SENTINEL_MASTER', 'value': rd.sentinel_master})
            else:
                text = (f'spring:\n  data:\n    redis:\n      sentinel:\n        master: {rd.sentinel_master}\n'
                        f'        nodes: {svc}:26379\n')
                st = self.mount_file('application.yml', text)
                tags.append('sentinel-spring-mount')
            return tags, targets
        raise AssertionError(route)

    def sides_redis(self):
        return self.native or any(c['name'] == 'redis' for c in self.sides)

    def decoy_host(self, rd):
        """a host of another Redis (or a non-existent legacy name) for overridden values."""
        others = [x for x in self.g.ns_redis[self.ns] + self.g.ns_redis[self.g.shared_ns] if x.rid != rd.rid and x.svc]
        if others:
            o = self.r.choice(others)
            return o.svc if o.ns == self.ns else f'{o.svc}.{o.ns}.svc.cluster.local'
        return 'legacy-redis.platform-data.svc.cluster.local'

    def lookalike(self, lk):
        r = self.r
        ns = self.ns
        env = self.main['env']
        anyr = [x for x in self.g.ns_redis[ns] + self.g.ns_redis[self.g.shared_ns] if x.svc]
        rd = r.choice(anyr)
        h = rd.svc if rd.ns == ns else f'{rd.svc}.{rd.ns}.svc.cluster.local'
        if lk == 'commented':
            env.append(Comment(f'- name: REDIS_URL\n  value: redis://{h}:{rd.sport}/0   # moved to memcached, see OPS-{r.randint(100, 999)}'))
        elif lk == 'disabled':
            env += [{'name': 'REDIS_ENABLED', 'value': 'false'}, {'name': 'REDIS_HOST', 'value': h},
                    {'name': 'REDIS_PORT', 'value': str(rd.sport)}]
            self.g.reasons[f'{ns}/{self.kind}/{self.name}'] = 'REDIS_ENABLED=false: the Redis group is switched off'
        elif lk == 'webui-http':
            ui = self.g.uniq(ns, 'redis-commander')
            self.add_obj({'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': {'name': ui, 'namespace': ns},
                          'spec': {'selector': {'matchLabels': {'app': ui}},
                                   'template': {'metadata': {'labels': {'app': ui}},
                                                'spec': {'containers': [{'name': 'ui', 'image': 'ghcr.io/joeferner/redis-commander:0.8.1',
                                                                         'env': [{'name': 'REDIS_HOSTS', 'value': f'local:{h}:{rd.sport}'}],
                                                                         'ports': [{'containerPort': 8081}]}]}}}})
            self.add_obj({'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': ui, 'namespace': ns},
                          'spec': {'selector': {'app': ui}, 'ports': [{'port': 8081, 'targetPort': 8081}]}})
            # redis-commander itself IS a consumer of rd
            self.g.link(f'{ns}/Deployment/{ui}', rd.rid, ['webui-redis-hosts'])
            env.append({'name': 'REDIS_UI_URL', 'value': f'http://{ui}:8081/'})
        elif lk == 'doc-mounted':
            self.mount_file('README.md', f'# {self.name}\n\nDebug with `redis-cli -h {h} -p {rd.sport}`; URL redis://{h}:{rd.sport}/0\n')
        elif lk == 'postgres-envfrom':
            self.main['image'] = r.choice(['postgres:16.2', 'bitnami/postgresql:16', 'mysql:8.0'])
            cname = f'{self.name}-shared-env'
            self.add_obj({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': cname, 'namespace': ns},
                          'data': {'REDIS_URL': f'redis://{h}:{rd.sport}/0', 'DB_NAME': 'app'}})
            self.envfrom.append({'configMapRef': {'name': cname}})
            self.g.reasons[f'{ns}/{self.kind}/{self.name}'] = 'a database server whose shared env holds a Redis URL reads no Redis settings'
        elif lk == 'memcached':
            env += [{'name': 'CACHE_BACKEND', 'value': 'memcached'}, {'name': 'CACHE_HOST', 'value': 'memcached'},
                    {'name': 'CACHE_PORT', 'value': '11211'}]
        elif lk == 'example-file':
            self.mount_file('app.env.example', f'REDIS_HOST={h}\nREDIS_PORT={rd.sport}\n')
        elif lk == 'dashboard-url':
            env.append({'name': 'REDIS_DASHBOARD_URL', 'value': f'https://grafana.acme.io/d/redis-{r.randint(10, 99)}/redis-overview?var-instance={rd.svc}'})
        elif lk == 'annotation':
            self.annotations['acme.io/notes'] = f'migrated off redis://{h}:{rd.sport} in 2023'
        elif lk == 'redis-settings-no-addr':
            env += [{'name': 'REDIS_KEY_PREFIX', 'value': f'{self.name}:'}, {'name': 'REDIS_TIMEOUT', 'value': '5s'},
                    {'name': 'REDIS_MAX_CONNECTIONS', 'value': '50'}]
        elif lk == 'unused-cm':
            self.add_obj({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': f'{self.name}-old-config', 'namespace': ns},
                          'data': {'REDIS_URL': f'redis://{h}:{rd.sport}/0'}})
        elif lk == 'no-proxy':
            env.append({'name': 'NO_PROXY', 'value': f'localhost,127.0.0.1,.svc,.cluster.local,{h},{rd.svc}.{rd.ns}.svc.cluster.local:{rd.sport}'})
            env.append({'name': 'HTTPS_PROXY', 'value': 'http://proxy.corp.acme.io:3128'})
        elif lk == 'prometheus-scrape':
            mets = [x for n2 in self.g.namespaces for x in self.g.ns_redis[n2] if x.metrics]
            if mets:
                tgt = ', '.join(f"'{x.name}-metrics.{x.ns}.svc:9121'" for x in self.r.sample(mets, min(3, len(mets))))
            else:
                tgt = "'node-exporter:9100'"
            self.main['image'] = 'quay.io/prometheus/prometheus:v2.51.0'
            self.main['args'] = ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.retention.time=15d']
            text = (f'global:\n  scrape_interval: 30s\nscrape_configs:\n  - job_name: redis\n    static_configs:\n'
                    f'      - targets: [{tgt}]\n')
            self.mount_file('prometheus.yml', text)
            self.g.reasons[f'{ns}/{self.kind}/{self.name}'] = 'Prometheus scrapes the exporters on 9121 (HTTP), never Redis'
        elif lk == 'other-ns-cm':
            # the ConfigMap name exists in another namespace only (optional: true): nothing is set here
            others = [n2 for n2 in self.g.shared_cm if n2 != ns]
            if ns in self.g.shared_cm or not others:
                env.append({'name': 'REDIS_TIMEOUT', 'value': '2s'})
            else:
                self.envfrom.append({'configMapRef': {'name': 'redis-env', 'optional': True}})
                self.g.reasons[f'{ns}/{self.kind}/{self.name}'] = 'envFrom redis-env exists only in other namespaces; optional, so nothing is set'
        elif lk == 'label-only':
            self.labels['acme.io/depends-on'] = 'redis'
        elif lk == 'override-away':
            # envFrom gives REDIS_URL; env overrides it with a non-Redis in-memory setting
            cname = f'{self.name}-defaults'
            self.add_obj({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': cname, 'namespace': ns},
                          'data': {'SESSION_STORE_URL': f'redis://{h}:{rd.sport}/0'}})
            self.envfrom.append({'configMapRef': {'name': cname}})
            env.append({'name': 'SESSION_STORE_URL', 'value': 'memory://'})
            self.g.reasons[f'{ns}/{self.kind}/{self.name}'] = 'env SESSION_STORE_URL overrides the envFrom value'
        else:
            raise AssertionError(lk)

    def plain(self):
        self.main['env'].append({'name': 'DATABASE_URL', 'value': f'postgres://app@pg.{self.ns}:5432/app'})

    def finish(self):
        r = self.r
        ns, name, kind = self.ns, self.name, self.kind
        if self.cm:
            self.objs.insert(0, {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': self.cmname, 'namespace': ns},
                                 'data': self.cm})
        if self.envfrom:
            self.main['envFrom'] = self.envfrom
        if self.shc_script:
            # other routes' flags join the script (args[0] of sh -c)
            extra = ' '.join(json.dumps(a) if ' ' in a else a for a in self.main.get('args', []) if a != 'serve')
            self.main['args'] = [self.shc_script + ((' \\\n  ' + extra) if extra else '')]
        if not self.main.get('args') and r.random() < 0.2:
            self.main['args'] = ['--http-port=8080']
        spec = {'containers': [self.main] + self.sides}
        if self.inits:
            spec['initContainers'] = self.inits
        if self.volumes:
            spec['volumes'] = self.volumes
        if kind in ('Job', 'CronJob', 'Pod'):
            spec['restartPolicy'] = 'OnFailure' if kind != 'Pod' else 'Always'
        meta = {'labels': dict(self.labels)}
        if self.annotations:
            meta['annotations'] = self.annotations
        tmpl = {'metadata': meta, 'spec': spec}
        sel = {'matchLabels': {'app': name}}
        if kind == 'Deployment':
            o = {'apiVersion': 'apps/v1', 'kind': kind, 'spec': {'replicas': r.randint(1, 6), 'selector': sel, 'template': tmpl}}
        elif kind == 'Rollout':
            o = {'apiVersion': 'argoproj.io/v1alpha1', 'kind': kind,
                 'spec': {'replicas': 3, 'selector': sel, 'template': tmpl,
                          'strategy': {'canary': {'steps': [{'setWeight': 20}, {'pause': {'duration': '10m'}}]}}}}
        elif kind == 'StatefulSet':
            o = {'apiVersion': 'apps/v1', 'kind': kind, 'spec': {'serviceName': name, 'selector': sel, 'template': tmpl}}
        elif kind == 'DaemonSet':
            o = {'apiVersion': 'apps/v1', 'kind': kind, 'spec': {'selector': sel, 'template': tmpl}}
        elif kind == 'ReplicaSet':
            o = {'apiVersion': 'apps/v1', 'kind': kind, 'spec': {'replicas': 2, 'selector': sel, 'template': tmpl}}
        elif kind == 'Job':
            o = {'apiVersion': 'batch/v1', 'kind': kind, 'spec': {'backoffLimit': 2, 'template': tmpl}}
        elif kind == 'CronJob':
            o = {'apiVersion': 'batch/v1', 'kind': kind,
                 'spec': {'schedule': f'{r.randint(0, 59)} */{r.randint(1, 12)} * * *', 'concurrencyPolicy': 'Forbid',
                          'jobTemplate': {'spec': {'template': tmpl}}}}
        else:  # Pod
            o = {'apiVersion': 'v1', 'kind': 'Pod', 'metadata': {}, 'spec': spec}
            o['metadata'] = {'name': name, 'namespace': ns, **meta}
        if kind != 'Pod':
            o = {'apiVersion': o['apiVersion'], 'kind': kind,
                 'metadata': {'name': name, 'namespace': ns, 'labels': {'app': name}}, 'spec': o['spec']}
        for x in self.objs:
            self.g.add(ns, name, x)
        self.g.add(ns, name, o)
        if kind == 'Deployment' and r.random() < 0.08:
            import copy
            h = ''.join(r.choice('bcdfghjklmnpqrstvwxz2456789') for _ in range(10))
            rs_t = copy.deepcopy(tmpl)
            rs_t['metadata']['labels']['pod-template-hash'] = h
            rs = {'apiVersion': 'apps/v1', 'kind': 'ReplicaSet',
                  'metadata': {'name': f'{name}-{h}', 'namespace': ns, 'labels': dict(rs_t['metadata']['labels']),
                               'ownerReferences': [{'apiVersion': 'apps/v1', 'kind': 'Deployment', 'name': name,
                                                    'uid': 'f3e1c0de-0000-4000-8000-%012d' % r.randint(0, 10**11), 'controller': True}]},
                  'spec': {'replicas': 1, 'selector': {'matchLabels': {'app': name, 'pod-template-hash': h}}, 'template': rs_t}}
            pod = {'apiVersion': 'v1', 'kind': 'Pod',
                   'metadata': {'name': f'{name}-{h}-{"".join(r.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(5))}',
                                'namespace': ns, 'labels': dict(rs_t['metadata']['labels']),
                                'ownerReferences': [{'apiVersion': 'apps/v1', 'kind': 'ReplicaSet', 'name': f'{name}-{h}',
                                                     'uid': 'a1b2c3d4-0000-4000-8000-%012d' % r.randint(0, 10**11), 'controller': True}]},
                   'spec': copy.deepcopy(spec), 'status': {'phase': 'Running', 'podIP': f'10.244.{r.randint(0, 255)}.{r.randint(2, 254)}'}}
            self.g.add(ns, name, rs)
            self.g.add(ns, name, pod)
        if kind == 'CronJob' and r.random() < 0.1:
            import copy
            jn = f'{name}-{r.randint(28000000, 29999999)}'
            job = {'apiVersion': 'batch/v1', 'kind': 'Job',
                   'metadata': {'name': jn, 'namespace': ns,
                                'ownerReferences': [{'apiVersion': 'batch/v1', 'kind': 'CronJob', 'name': name,
                                                     'uid': 'c0ffee00-0000-4000-8000-%012d' % r.randint(0, 10**11), 'controller': True}]},
                   'spec': {'backoffLimit': 2, 'template': copy.deepcopy(tmpl)}}
            self.g.add(ns, name, job)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dir', nargs='?', help='writes DIR/tree and DIR/truth.json')
    ap.add_argument('--workloads', type=int, default=600)
    ap.add_argument('--seed', type=int, default=5)
    ap.add_argument('--out', help='the tree (as the other generators take it)')
    ap.add_argument('--truth', help='the truth file, with --out')
    a = ap.parse_args()
    if a.out:
        root, truth = a.out, a.truth or os.path.join(os.path.dirname(a.out.rstrip('/')), 'truth.json')
    elif a.dir:
        root, truth = os.path.join(a.dir, 'tree'), os.path.join(a.dir, 'truth.json')
    else:
        ap.error('give DIR or --out TREE --truth FILE')
    if os.path.exists(root):
        raise SystemExit(f'{root} exists')
    g = Gen(a.seed, a.workloads, root, truth)
    g.build()
    g.write()
    t = json.load(open(truth))
    print(f'consumers {len(t["consumers"])}, lookalikes {len(t["lookalikes"])}, resources {len(t["resources"])}')


if __name__ == '__main__':
    main()
