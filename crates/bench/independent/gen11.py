#!/usr/bin/env python3
"""gen11: independent synthetic-organisation generator for fallout.

usage: python3 gen11.py OUTDIR --workloads N --seed S

Writes OUTDIR/tree (one folder per namespace, Kubernetes manifests in YAML,
multi-document YAML, `kind: List` and JSON) and OUTDIR/truth.json.

Emphasis (see the brief): every workload kind in its real schema, init and
multi-container pods, Secrets with data (base64, trailing newline, wrapped
lines) and stringData (stringData wins), ConfigMap keys that are whole config
files mounted as volumes (items honoured), optional key refs to missing keys,
envFrom of ConfigMaps and Secrets with Kubernetes precedence, many env-name
conventions, every host form, TLS ports, passwords in URLs, look-alikes.

Truth semantics (docs/model.md, docs/scanners.md; Kubernetes where silent):
  * consumer id  = ns/Kind/name (ReplicaSets/Pods/Jobs owned by a
    Deployment/CronJob fold into the owner);
  * a target     = the in-cluster Redis Service FQDN (an alias of the
    resource), or the external host for managed Redis / ExternalName;
  * only the value a variable ends with counts (envFrom in order, then env;
    an optional missing key sets nothing; stringData wins over data);
  * a Redis image running only redis-cli is a consumer, not a server;
  * `*_ENABLED=false` groups are dropped (docs); settings that are no
    address (TIMEOUT, PREFIX, ...) make no consumer.
"""
import argparse
import base64
import json
import os
import random
import shutil

CD = 'cluster.local'


# ---------------------------------------------------------------- YAML writer
class Block:
    """A literal block scalar (`|`), text kept as is (newline at end: `|`)."""

    def __init__(self, text):
        self.text = text


class Comment:
    def __init__(self, text):
        self.text = text


PLAIN_OK = set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./')


def scalar(v):
    if v is None:
        return 'null'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, int):
        return str(v)
    s = str(v)
    if s and set(s) <= PLAIN_OK and not s[0] in '-.' and s.lower() not in (
            'true', 'false', 'yes', 'no', 'on', 'off', 'null', 'y', 'n') and not _numlike(s):
        return s
    return json.dumps(s)


def _numlike(s):
    try:
        float(s)
        return True
    except ValueError:
        return s.isdigit()


def emit(obj, ind=0):
    out = []
    pad = ' ' * ind
    if isinstance(obj, dict):
        if not obj:
            return [pad + '{}']
        for k, v in obj.items():
            if isinstance(k, Comment):
                out.append(pad + '# ' + k.text)
                continue
            out.extend(_kv(pad, ind, k, v))
    elif isinstance(obj, list):
        if not obj:
            return [pad + '[]']
        for it in obj:
            if isinstance(it, Comment):
                out.append(pad + '# ' + it.text)
                continue
            if isinstance(it, dict) and it:
                sub = emit(it, ind + 2)
                first = sub[0]
                out.append(pad + '- ' + first[ind + 2:])
                out.extend(sub[1:])
            elif isinstance(it, list) and it:
                sub = emit(it, ind + 2)
                out.append(pad + '- ' + sub[0][ind + 2:])
                out.extend(sub[1:])
            else:
                out.append(pad + '- ' + _inline(it))
    else:
        out.append(pad + _inline(obj))
    return out


def _inline(v):
    if isinstance(v, dict):
        return '{}'
    if isinstance(v, list):
        return '[]'
    if isinstance(v, Block):
        return json.dumps(v.text)
    return scalar(v)


def _kv(pad, ind, k, v):
    ks = scalar(k)
    if isinstance(v, Block):
        t = v.text
        ind_s = '|' if t.endswith('\n') else '|-'
        lines = [pad + ks + ': ' + ind_s]
        body = t[:-1] if t.endswith('\n') else t
        for ln in body.split('\n'):
            lines.append((pad + '  ' + ln) if ln else '')
        return lines
    if isinstance(v, dict) and v:
        return [pad + ks + ':'] + emit(v, ind + 2)
    if isinstance(v, list) and v:
        return [pad + ks + ':'] + emit(v, ind)  # compact list style (k8s style)
    return [pad + ks + ': ' + _inline(v)]


def to_yaml(obj):
    return '\n'.join(emit(obj)) + '\n'


def plain(obj):
    """Strip Block/Comment for JSON."""
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items() if not isinstance(k, Comment)}
    if isinstance(obj, list):
        return [plain(v) for v in obj if not isinstance(v, Comment)]
    if isinstance(obj, Block):
        return obj.text
    return obj


# ---------------------------------------------------------------- model
WORDS = ('orders billing ledger search catalog cart checkout payments invoice notify mailer auth '
         'session profile inventory pricing quote shipping tracking report audit feed ranking '
         'ingest export import media thumbs upload geo fraud risk loyalty promo coupon review '
         'chat presence gateway edge api web admin portal console sched cron batch etl sync').split()
SUFFIX = 'api worker svc consumer runner agent daemon job sweeper indexer relay proxy bridge'.split()


class Redis:
    def __init__(self, name, ns, svc, tls, password, image, headless):
        self.name, self.ns, self.svc, self.tls = name, ns, svc, tls
        self.password, self.image, self.headless = password, image, headless
        self.ext = False

    @property
    def target(self):
        return f'{self.svc}.{self.ns}.svc.{CD}'

    def host(self, cns, rng, allow_headless=True):
        forms = []
        if cns == self.ns:
            forms += [(self.svc, 'host-short')] * 3
        forms += [(f'{self.svc}.{self.ns}', 'host-ns'), (f'{self.svc}.{self.ns}.svc', 'host-svc'),
                  (f'{self.svc}.{self.ns}.svc.{CD}', 'host-fqdn')]
        if self.headless and allow_headless:
            forms.append((f'{self.headless}.{self.ns}', 'host-headless'))
        h, tag = rng.choice(forms)
        if cns != self.ns:
            tag += '+xns'
        return h, tag

    def port(self, tls):
        return 6380 if tls else 6379


class Ext:
    """A managed Redis outside the cluster, maybe behind an ExternalName."""

    def __init__(self, host, port, tls, via_svc=None, via_ns=None):
        self.hostname, self.p, self.tls = host, port, tls
        self.via_svc, self.via_ns = via_svc, via_ns
        self.ext = True
        self.password = 'managed-' + host.split('.')[0]

    @property
    def target(self):
        return self.hostname

    def host(self, cns, rng, allow_headless=True):
        if self.via_svc:
            if cns == self.via_ns and rng.random() < 0.6:
                return self.via_svc, 'externalname-short'
            return rng.choice([(f'{self.via_svc}.{self.via_ns}', 'externalname-ns'),
                               (f'{self.via_svc}.{self.via_ns}.svc.{CD}', 'externalname-fqdn')])
        return self.hostname, 'external-host'

    def port(self, tls):
        return self.p


def b64(s):
    return base64.b64encode(s.encode()).decode()


def b64_wrapped(s, width=76):
    e = b64(s)
    return '\n'.join(e[i:i + width] for i in range(0, len(e), width)) + '\n'


class Workload:
    def __init__(self, ns, kind, name):
        self.ns, self.kind, self.name = ns, kind, name
        self.containers, self.init, self.volumes = [], [], []
        self.side = []          # ConfigMaps / Secrets this workload brings
        self.links = {}         # target -> set(tags)
        self.tags = set()
        self.labels = {'app': name}
        self.extra = {}         # pod spec extras

    @property
    def cid(self):
        return f'{self.ns}/{self.kind}/{self.name}'

    def link(self, target, *tags):
        self.links.setdefault(target, set()).update(tags)
        self.tags.update(tags)


class Gen:
    def __init__(self, n, seed):
        self.n = n
        self.rng = random.Random(seed)
        self.files = {}         # path -> text
        self.ns_objs = {}       # ns -> list of objects (shared)
        self.redises = []
        self.exts = []
        self.workloads = []
        self.lookalikes = []    # workload ids
        self.la_routes = {}
        self.names = set()
        self.non_resources = []
        self.consumer_extra = {}  # id -> {target: tags} for consumers not built as Workload
        self.local_by_ns = {}

    # ------------------------------------------------------------ helpers
    def uname(self, ns, base):
        i = 0
        name = base
        while (ns, name) in self.names:
            i += 1
            name = f'{base}-{i}'
        self.names.add((ns, name))
        return name

    def any_redis(self, exclude=None, tls=None, internal_only=False):
        pool = self.redises if internal_only else self.redises + self.exts
        local = [r for r in self.local_by_ns.get(getattr(self, 'cur_ns', None), []) if r is not exclude
                 and (tls is None or r.tls == tls)]
        if local and self.rng.random() < 0.35:
            return self.rng.choice(local)
        while True:
            r = self.rng.choice(pool)
            if r is exclude:
                continue
            if tls is not None and not r.ext and r.tls != tls:
                continue
            return r

    def add_ns_obj(self, ns, obj):
        self.ns_objs.setdefault(ns, []).append(obj)

    # ------------------------------------------------------------ topology
    def build(self):
        rng = self.rng
        n_app = max(4, self.n // 60)
        n_cache = max(2, self.n // 500)
        self.app_ns = [f'{rng.choice(WORDS)}-{i}' for i in range(n_app)]
        self.cache_ns = [f'cache-{i}' for i in range(n_cache)]
        for ns in self.cache_ns:
            for j in range(rng.randint(3, 5)):
                self.make_redis(ns, j)
        for ns in self.app_ns:
            if rng.random() < 0.5:
                self.make_redis(ns, 0, local=True)
        n_ext = max(3, self.n // 400)
        for i in range(n_ext):
            kind = rng.random()
            if kind < 0.4:
                host = f'master.{rng.choice(WORDS)}-prod-{i}.x{rng.randrange(16**5):05x}.euw1.cache.amazonaws.com'
                port, tls = 6379, rng.random() < 0.6
            elif kind < 0.7:
                host = f'{rng.choice(WORDS)}-{i}.redis.cache.windows.net'
                port, tls = 6380, True
            else:
                host = f'redis-{10000 + i}.c{i}.us-east-1-2.ec2.cloud.redislabs.com'
                port, tls = 10000 + i, False
            via = None
            vns = None
            if rng.random() < 0.6:
                vns = rng.choice(self.app_ns)
                via = self.uname(vns, f'{rng.choice(WORDS)}-store')
                self.add_ns_obj(vns, {'apiVersion': 'v1', 'kind': 'Service',
                                      'metadata': {'name': via, 'namespace': vns},
                                      'spec': {'type': 'ExternalName', 'externalName': host}})
            self.exts.append(Ext(host, port, tls, via, vns))
        self.make_lookalike_services()
        for i in range(self.n):
            self.make_workload(i)

    def make_redis(self, ns, j, local=False):
        rng = self.rng
        base = 'redis' if local else f'redis-{rng.choice(WORDS)}'
        name = self.uname(ns, base)
        svc = name if rng.random() < 0.75 else self.uname(ns, name.replace('redis-', '') + '-cache')
        tls = rng.random() < 0.35
        pw = rng.random() < 0.5
        image = rng.choice(['redis:7.2-alpine', 'redis:7.4', 'valkey/valkey:8.0', 'docker.io/library/redis:6.2.14'])
        headless = f'{name}-headless'
        r = Redis(name, ns, svc, tls, pw, image, headless)
        self.redises.append(r)
        if local:
            self.local_by_ns.setdefault(ns, []).append(r)
        labels = {'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': name}
        args = ['--port', '6379']
        if tls:
            args += ['--tls-port', '6380', '--tls-cert-file', '/tls/tls.crt', '--tls-key-file', '/tls/tls.key',
                     '--tls-ca-cert-file', '/tls/ca.crt', '--tls-auth-clients', 'no']
        env = []
        if pw:
            args += ['--requirepass', '$(REDIS_PASSWORD)']
            env.append({'name': 'REDIS_PASSWORD', 'valueFrom': {'secretKeyRef': {'name': f'{name}-auth', 'key': 'password'}}})
        containers = [{'name': 'redis', 'image': image, 'command': ['redis-server'], 'args': args,
                       'ports': [{'name': 'redis', 'containerPort': 6379}] + (
                           [{'name': 'redis-tls', 'containerPort': 6380}] if tls else []),
                       'env': env,
                       'volumeMounts': [{'name': 'data', 'mountPath': '/data'}] + (
                           [{'name': 'tls', 'mountPath': '/tls', 'readOnly': True}] if tls else [])}]
        if not env:
            del containers[0]['env']
        if rng.random() < 0.4:
            containers.append({'name': 'metrics', 'image': 'oliver006/redis_exporter:v1.62.0',
                               'env': [{'name': 'REDIS_ADDR', 'value': 'redis://localhost:6379'}] + (
                                   [{'name': 'REDIS_PASSWORD', 'valueFrom': {'secretKeyRef': {
                                       'name': f'{name}-auth', 'key': 'password'}}}] if pw else []),
                               'ports': [{'name': 'metrics', 'containerPort': 9121}]})
        vols = [{'name': 'tls', 'secret': {'secretName': f'{name}-tls'}}] if tls else []
        rkind = rng.choices(['StatefulSet', 'Deployment', 'ReplicationController', 'Pod'], [70, 15, 8, 7])[0]
        sts = {'apiVersion': 'apps/v1', 'kind': 'StatefulSet',
               'metadata': {'name': name, 'namespace': ns, 'labels': dict(labels, team='platform')},
               'spec': {'serviceName': headless, 'replicas': 1,
                        'selector': {'matchLabels': labels},
                        'template': {'metadata': {'labels': labels},
                                     'spec': {'containers': containers, **({'volumes': vols} if vols else {})}},
                        'volumeClaimTemplates': [{'metadata': {'name': 'data'},
                                                  'spec': {'accessModes': ['ReadWriteOnce'],
                                                           'resources': {'requests': {'storage': '1Gi'}}}}]}}
        if rkind == 'Deployment':
            sts['kind'] = 'Deployment'
            for k in ('serviceName', 'volumeClaimTemplates'):
                del sts['spec'][k]
            sts['spec']['template']['spec'].setdefault('volumes', []).append({'name': 'data', 'emptyDir': {}})
        elif rkind == 'ReplicationController':
            sts = {'apiVersion': 'v1', 'kind': 'ReplicationController', 'metadata': sts['metadata'],
                   'spec': {'replicas': 1, 'selector': dict(labels), 'template': sts['spec']['template']}}
            sts['spec']['template']['spec'].setdefault('volumes', []).append({'name': 'data', 'emptyDir': {}})
        elif rkind == 'Pod':
            t = sts['spec']['template']
            t['spec'].setdefault('volumes', []).append({'name': 'data', 'emptyDir': {}})
            sts = {'apiVersion': 'v1', 'kind': 'Pod', 'metadata': dict(sts['metadata'], labels=dict(labels, team='platform')),
                   'spec': t['spec']}
        ports = [{'name': 'redis', 'port': 6379, 'targetPort': 'redis'}]
        if tls:
            ports.append({'name': 'redis-tls', 'port': 6380, 'targetPort': 'redis-tls'})
        svco = {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': svc, 'namespace': ns},
                'spec': {'selector': labels, 'ports': ports}}
        hl = {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': headless, 'namespace': ns},
              'spec': {'clusterIP': 'None', 'selector': labels, 'ports': [{'name': 'redis', 'port': 6379}]}}
        docs = [sts, svco, hl]
        if pw:
            docs.append({'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': f'{name}-auth', 'namespace': ns},
                         'type': 'Opaque', 'data': {'password': b64(f'pw-{name}')}})
        folder = ns
        style = rng.random()
        if style < 0.6:
            self.write_multi(f'{folder}/{name}.yaml', docs)
        elif style < 0.8:
            self.write_list(f'{folder}/{name}-list.yaml', docs)
        else:
            self.write_json(f'{folder}/{name}.json', docs, mode=rng.choice(['list', 'array', 'stream']))

    def make_lookalike_services(self):
        """Services named like Redis, fronting no Redis."""
        rng = self.rng
        self.fake = []
        ns = 'data-shared'
        self.app_ns.append(ns)
        specs = [('redis-audit-db', 'postgres:16', 5432, 'postgresql'),
                 ('redis-memo', 'memcached:1.6', 11211, 'memcached'),
                 ('redis-queue', 'rabbitmq:3.13-management', 5672, 'amqp'),
                 ('redis-stats', 'nginx:1.27', 8080, 'http')]
        for name, image, port, proto in specs:
            self.names.add((ns, name))
            lab = {'app': name}
            kind = 'StatefulSet' if proto in ('postgresql', 'amqp') else 'Deployment'
            spec = {'selector': {'matchLabels': lab},
                    'template': {'metadata': {'labels': lab},
                                 'spec': {'containers': [{'name': name.split('-')[1], 'image': image,
                                                          'ports': [{'containerPort': port}]}]}}}
            if kind == 'StatefulSet':
                spec['serviceName'] = name
            docs = [{'apiVersion': 'apps/v1', 'kind': kind, 'metadata': {'name': name, 'namespace': ns}, 'spec': spec},
                    {'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': name, 'namespace': ns},
                     'spec': {'selector': lab, 'ports': [{'port': port, 'targetPort': port}]}}]
            self.write_multi(f'{ns}/{name}.yaml', docs)
            self.fake.append((name, ns, port, proto))
            self.lookalikes.append(f'{ns}/{kind}/{name}')
            self.non_resources += [f'{ns}/{name}', f'{name}.{ns}']
        # a Postgres whose env is shared with apps through envFrom (REDIS_URL in it)
        shared = {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'platform-env', 'namespace': ns},
                  'data': {'REDIS_URL': f'redis://{self.redises[0].target}:6379/0', 'LOG_LEVEL': 'info'}}
        pg = {'apiVersion': 'apps/v1', 'kind': 'StatefulSet', 'metadata': {'name': 'pg-main', 'namespace': ns},
              'spec': {'serviceName': 'pg-main', 'selector': {'matchLabels': {'app': 'pg-main'}},
                       'template': {'metadata': {'labels': {'app': 'pg-main'}},
                                    'spec': {'containers': [{'name': 'postgres', 'image': 'postgres:16.4',
                                                             'envFrom': [{'configMapRef': {'name': 'platform-env'}}]}]}}}}
        self.write_multi(f'{ns}/pg-main.yaml', [shared, pg])
        self.names.add((ns, 'pg-main'))
        self.lookalikes.append(f'{ns}/StatefulSet/pg-main')
        self.la_routes[f'{ns}/StatefulSet/pg-main'] = ['lookalike-postgres-shared-env']

    # ------------------------------------------------------------ workloads
    KINDS = [('Deployment', 30), ('StatefulSet', 8), ('DaemonSet', 6), ('ReplicaSet', 4),
             ('ReplicationController', 3), ('Job', 6), ('CronJob', 9), ('Pod', 8), ('DebugPod', 2),
             ('DeploymentDump', 3), ('CronJobWithJob', 2)]

    def pick_kind(self):
        tot = sum(w for _, w in self.KINDS)
        x = self.rng.uniform(0, tot)
        for k, w in self.KINDS:
            x -= w
            if x <= 0:
                return k
        return 'Deployment'

    def make_workload(self, i):
        rng = self.rng
        ns = rng.choice(self.app_ns)
        self.cur_ns = ns
        kind = self.pick_kind()
        if kind == 'DebugPod':
            return self.make_debug_pod(ns)
        base = f'{rng.choice(WORDS)}-{rng.choice(SUFFIX)}'
        if kind == 'CronJobWithJob':
            base = f'{rng.choice(WORDS)}-sweeper'
        name = self.uname(ns, base)
        real_kind = {'DeploymentDump': 'Deployment', 'CronJobWithJob': 'CronJob'}.get(kind, kind)
        w = Workload(ns, real_kind, name)
        w.style = kind
        lookalike = rng.random() < 0.12
        n_cont = rng.choices([1, 2, 3], [70, 22, 8])[0]
        for ci in range(n_cont):
            cname = 'app' if ci == 0 else rng.choice(['worker', 'sidecar', 'cron', 'metrics-agent', 'log-shipper'])
            if any(c['name'] == cname for c in w.containers):
                cname = f'{cname}-{ci}'
            c = {'name': cname, 'image': f'registry.example.com/{ns}/{name}:{rng.randint(1, 40)}.{rng.randint(0, 9)}',
                 'env': [], 'volumeMounts': []}
            w.containers.append(c)
            if lookalike:
                self.lookalike_route(w, c)
            elif ci == 0 or rng.random() < 0.5:
                self.consumer_route(w, c)
            else:
                self.noise_env(w, c)
        if not lookalike and rng.random() < 0.25:
            self.init_route(w)
        if not w.links and not lookalike:
            # ensure every non-lookalike has one link
            self.consumer_route(w, w.containers[0])
        w.old = None
        if kind in ('DeploymentDump', 'CronJobWithJob') and rng.random() < 0.5:
            r = self.any_redis()
            u, ht, _ = self.url(r, w)
            w.old = {'containers': [{'name': 'app', 'image': f'registry.example.com/{ns}/{name}:0.9',
                                     'env': [{'name': 'REDIS_URL', 'value': u}]}]}
            w.link(r.target, 'old-template-still-running:' + kind, ht)
        self.finish(w)
        if w.links:
            self.workloads.append(w)
        else:
            self.lookalikes.append(w.cid)
            self.lookalike_objs.append(w)
            self.la_routes[w.cid] = sorted(w.tags) or ['lookalike-plain']

    def noise_env(self, w, c):
        c['env'].append({'name': 'LOG_LEVEL', 'value': self.rng.choice(['info', 'debug', 'warn'])})
        c['env'].append({'name': 'HTTP_PORT', 'value': str(self.rng.choice([8080, 9000, 3000]))})

    # --- consumer routes
    def consumer_route(self, w, c):
        rng = self.rng
        routes = [
            (self.r_literal_url, 14), (self.r_tls_url, 8), (self.r_pw_url, 6), (self.r_split, 10),
            (self.r_cm_keyref, 7), (self.r_secret_data, 6), (self.r_secret_data_nl, 4),
            (self.r_secret_wrapped, 3), (self.r_secret_both, 4), (self.r_envfrom_both, 7),
            (self.r_envfrom_override, 4), (self.r_optional_missing, 4), (self.r_mounted_file, 12),
            (self.r_mounted_items, 3), (self.r_mounted_secret_file, 4), (self.r_args, 6),
            (self.r_stackexchange, 3), (self.r_probe, 2), (self.r_external, 5),
            (self.r_connection_key, 2), (self.r_mounted_binarydata, 2),
        ]
        f = rng.choices([r for r, _ in routes], [wt for _, wt in routes])[0]
        f(w, c)
        # noise beside it
        if rng.random() < 0.4:
            self.noise_env(w, c)
        if rng.random() < 0.25:
            self.la_settings(w, c, tag=False)

    def url(self, r, w, tls=None, auth=None, db=None, port=None, allow_headless=True):
        rng = self.rng
        if tls is None:
            tls = r.tls if not r.ext else r.tls
        h, htag = r.host(w.ns, rng, allow_headless)
        scheme = 'rediss' if tls else 'redis'
        if auth is None:
            auth = rng.choice(['', '', '', ':pw@', 'user:pw@'])
        if auth == ':pw@':
            auth = f':{rng.choice(["s3cr3t", "p%40ss", "Zx9_long-password"])}@'
        elif auth == 'user:pw@':
            auth = f'{rng.choice(["app", "svc", "default"])}:{rng.choice(["hunter2", "t0ken"])}@'
        p = r.port(tls)
        if port is None:
            port_s = f':{p}' if (tls or r.ext or p != 6379 or rng.random() < 0.7) else ''
        else:
            port_s = port
        if db is None:
            db = rng.choice(['', '', '/0', '/1', '/3', '/15'])
        return f'{scheme}://{auth}{h}{port_s}{db}', htag, ('tls' if tls else 'plain') + ('+auth' if auth else '')

    URL_KEYS = ['REDIS_URL', 'CACHE_REDIS_URI', 'RQ_REDIS_URL', 'SIDEKIQ_REDIS_URL', 'CELERY_BROKER_URL',
                'CELERY_RESULT_BACKEND', 'SESSION_REDIS_URL', 'REDIS_URI', 'SPRING_DATA_REDIS_URL',
                'RATELIMIT_STORAGE_URL', 'BULL_REDIS_URL', 'REDIS_CACHE_URL', 'LOCK_BACKEND_URL']

    def r_literal_url(self, w, c, r=None, key=None):
        r = r or self.any_redis()
        u, ht, tt = self.url(r, w, tls=r.tls if r.ext else (r.tls and self.rng.random() < 0.5))
        key = key or self.rng.choice(self.URL_KEYS)
        c['env'].append({'name': key, 'value': u})
        w.link(r.target, 'env-literal-url', ht, tt, 'key:' + key)

    def r_tls_url(self, w, c):
        r = self.any_redis(tls=True)
        u, ht, tt = self.url(r, w, tls=True)
        key = self.rng.choice(self.URL_KEYS)
        c['env'].append({'name': key, 'value': u})
        w.link(r.target, 'env-tls-url', ht, tt)

    def r_pw_url(self, w, c):
        r = self.any_redis()
        u, ht, tt = self.url(r, w, tls=r.tls and self.rng.random() < 0.5, auth=self.rng.choice([':pw@', 'user:pw@']))
        c['env'].append({'name': self.rng.choice(self.URL_KEYS), 'value': u})
        w.link(r.target, 'env-password-url', ht, tt)

    SPLIT = [('REDIS_HOST', 'REDIS_PORT', 'REDIS_TLS'), ('SPRING_REDIS_HOST', 'SPRING_REDIS_PORT', 'SPRING_REDIS_SSL'),
             ('SPRING_DATA_REDIS_HOST', 'SPRING_DATA_REDIS_PORT', 'SPRING_DATA_REDIS_SSL_ENABLED'),
             ('BULL_REDIS_HOST', 'BULL_REDIS_PORT', 'BULL_REDIS_TLS'), ('CACHE_REDIS_HOST', 'CACHE_REDIS_PORT', 'CACHE_REDIS_TLS'),
             ('REDIS_CACHE_HOST', 'REDIS_CACHE_PORT', 'REDIS_CACHE_SSL'), ('RATELIMIT_REDIS_HOST', 'RATELIMIT_REDIS_PORT', 'RATELIMIT_REDIS_TLS'),
             ('WP_REDIS_HOST', 'WP_REDIS_PORT', None), ('QUEUE_REDIS_HOST', 'QUEUE_REDIS_PORT', 'QUEUE_REDIS_TLS')]

    def split_entries(self, r, w):
        rng = self.rng
        hk, pk, tk = rng.choice(self.SPLIT)
        h, ht = r.host(w.ns, rng)
        tls = r.tls and tk is not None and (r.ext or rng.random() < 0.5)
        p = r.port(tls)
        kv = [(hk, h)]
        if p != 6379 or rng.random() < 0.7:
            kv.append((pk, str(p)))
        if tls:
            kv.append((tk, 'true'))
        if rng.random() < 0.3:
            kv.append((hk.replace('HOST', 'DB'), str(rng.randint(0, 9))))
        return kv, ht

    def r_split(self, w, c):
        r = self.any_redis()
        kv, ht = self.split_entries(r, w)
        for k, v in kv:
            c['env'].append({'name': k, 'value': v})
        if r.password and not r.ext and self.rng.random() < 0.5:
            sn = self.uname(w.ns, f'{w.name}-redis')
            c['env'].append({'name': kv[0][0].replace('HOST', 'PASSWORD'),
                             'valueFrom': {'secretKeyRef': {'name': sn, 'key': 'password'}}})
            w.side.append(self.secret(w.ns, sn, {'password': 'pw'}))
        w.link(r.target, 'env-split', ht)

    def cm(self, ns, name, data):
        return {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': name, 'namespace': ns}, 'data': data}

    def secret(self, ns, name, data=None, string_data=None, enc='plain'):
        o = {'apiVersion': 'v1', 'kind': 'Secret', 'metadata': {'name': name, 'namespace': ns}, 'type': 'Opaque'}
        if data is not None:
            d = {}
            for k, v in data.items():
                if enc == 'nl':
                    d[k] = b64(v + '\n')
                elif enc == 'wrap':
                    d[k] = Block(b64_wrapped(v))
                else:
                    d[k] = b64(v)
            o['data'] = d
        if string_data is not None:
            o['stringData'] = dict(string_data)
        return o

    def r_cm_keyref(self, w, c):
        r = self.any_redis()
        cmn = self.uname(w.ns, f'{w.name}-cfg')
        if self.rng.random() < 0.5:
            u, ht, tt = self.url(r, w)
            k = self.rng.choice(self.URL_KEYS)
            w.side.append(self.cm(w.ns, cmn, {'redis-url': u, 'log-level': 'info'}))
            c['env'].append({'name': k, 'valueFrom': {'configMapKeyRef': {'name': cmn, 'key': 'redis-url'}}})
        else:
            kv, ht = self.split_entries(r, w)
            w.side.append(self.cm(w.ns, cmn, {k.lower().replace('_', '.'): v for k, v in kv}))
            for k, v in kv:
                c['env'].append({'name': k, 'valueFrom': {'configMapKeyRef': {'name': cmn, 'key': k.lower().replace('_', '.')}}})
        w.link(r.target, 'configmap-keyref', ht)

    def _secret_route(self, w, c, enc, tag):
        r = self.any_redis()
        sn = self.uname(w.ns, f'{w.name}-redis-secret')
        if enc == 'wrap':
            # long enough to wrap: long password
            u, ht, tt = self.url(r, w, auth=f':{"x" * 20}{self.rng.randrange(10**12)}{"Q" * 30}@')
        else:
            u, ht, tt = self.url(r, w)
        k = self.rng.choice(self.URL_KEYS)
        w.side.append(self.secret(w.ns, sn, {'url': u}, enc=enc))
        c['env'].append({'name': k, 'valueFrom': {'secretKeyRef': {'name': sn, 'key': 'url'}}})
        w.link(r.target, tag, ht)

    def r_secret_data(self, w, c):
        self._secret_route(w, c, 'plain', 'secret-data')

    def r_secret_data_nl(self, w, c):
        self._secret_route(w, c, 'nl', 'secret-data-trailing-newline')

    def r_secret_wrapped(self, w, c):
        self._secret_route(w, c, 'wrap', 'secret-data-wrapped')

    def r_secret_both(self, w, c):
        """data and stringData with the same key: stringData wins (k8s API docs)."""
        r = self.any_redis()
        d = self.any_redis(exclude=r)
        sn = self.uname(w.ns, f'{w.name}-conn')
        u, ht, _ = self.url(r, w)
        ud, _, _ = self.url(d, w)
        s = self.secret(w.ns, sn, {'REDIS_URL': ud, 'OTHER': 'x'}, string_data={'REDIS_URL': u})
        w.side.append(s)
        if self.rng.random() < 0.5:
            c.setdefault('envFrom', []).append({'secretRef': {'name': sn}})
            tag = 'secret-stringdata-wins-envfrom'
        else:
            c['env'].append({'name': 'REDIS_URL', 'valueFrom': {'secretKeyRef': {'name': sn, 'key': 'REDIS_URL'}}})
            tag = 'secret-stringdata-wins-keyref'
        w.link(r.target, tag, ht)

    def r_envfrom_both(self, w, c):
        """envFrom ConfigMap (host/port) + Secret (password, or URL)."""
        rng = self.rng
        r = self.any_redis()
        cmn = self.uname(w.ns, f'{w.name}-env')
        sn = self.uname(w.ns, f'{w.name}-env-secret')
        kv, ht = self.split_entries(r, w)
        prefix = rng.choice(['', '', '', 'APP_'])
        w.side.append(self.cm(w.ns, cmn, dict(kv, LOG_FORMAT='json')))
        pwk = kv[0][0].replace('HOST', 'PASSWORD')
        w.side.append(self.secret(w.ns, sn, {pwk: 'pw'} if rng.random() < 0.5 else None,
                                  string_data=None if False else ({pwk: 'pw2'} if rng.random() < 0.5 else {'API_TOKEN': 't'}),
                                  enc=rng.choice(['plain', 'nl'])))
        ef = [{'configMapRef': {'name': cmn}}, {'secretRef': {'name': sn}}]
        if prefix:
            ef[0]['prefix'] = prefix
        c.setdefault('envFrom', []).extend(ef)
        w.link(r.target, 'envfrom-cm+secret' + ('+prefix' if prefix else ''), ht)

    def r_envfrom_override(self, w, c):
        """Precedence: later envFrom source beats earlier; env beats envFrom."""
        rng = self.rng
        r = self.any_redis()
        d = self.any_redis(exclude=r)
        u, ht, _ = self.url(r, w)
        ud, _, _ = self.url(d, w)
        cmn = self.uname(w.ns, f'{w.name}-defaults')
        mode = rng.choice(['env-wins', 'later-envfrom-wins', 'earlier-envfrom-loses'])
        if mode == 'env-wins':
            w.side.append(self.cm(w.ns, cmn, {'REDIS_URL': ud}))
            c.setdefault('envFrom', []).append({'configMapRef': {'name': cmn}})
            c['env'].append({'name': 'REDIS_URL', 'value': u})
        else:
            sn = self.uname(w.ns, f'{w.name}-override')
            w.side.append(self.cm(w.ns, cmn, {'REDIS_URL': ud}))
            w.side.append(self.secret(w.ns, sn, {'REDIS_URL': u}))
            if mode == 'later-envfrom-wins':
                c.setdefault('envFrom', []).extend([{'configMapRef': {'name': cmn}}, {'secretRef': {'name': sn}}])
            else:
                # secret first, then the ConfigMap: the ConfigMap (d) wins
                c.setdefault('envFrom', []).extend([{'secretRef': {'name': sn}}, {'configMapRef': {'name': cmn}}])
                r, ht = d, 'host-?'
        w.link(r.target, 'precedence-' + mode, ht)

    def r_optional_missing(self, w, c):
        """envFrom sets REDIS_URL; env REDIS_URL from an optional key the ConfigMap lacks: envFrom's stands."""
        rng = self.rng
        r = self.any_redis()
        u, ht, _ = self.url(r, w)
        cmn = self.uname(w.ns, f'{w.name}-base')
        opt = self.uname(w.ns, f'{w.name}-overrides')
        w.side.append(self.cm(w.ns, cmn, {'REDIS_URL': u}))
        if rng.random() < 0.5:
            w.side.append(self.cm(w.ns, opt, {'FEATURE_X': 'on'}))
            ref = {'configMapKeyRef': {'name': opt, 'key': 'REDIS_URL', 'optional': True}}
        else:
            w.side.append(self.secret(w.ns, opt, {'FEATURE_X': 'on'}))
            ref = {'secretKeyRef': {'name': opt, 'key': 'REDIS_URL', 'optional': True}}
        c.setdefault('envFrom', []).append({'configMapRef': {'name': cmn}})
        c['env'].append({'name': 'REDIS_URL', 'valueFrom': ref})
        w.link(r.target, 'optional-missing-key-envfrom-stands', ht)

    # mounted config files
    def config_file(self, r, w, decoy=None):
        rng = self.rng
        fmt = rng.choice(['json', 'toml', 'ini', 'properties', 'env', 'yaml'])
        h, ht = r.host(w.ns, rng)
        tls = r.tls and (r.ext or rng.random() < 0.5)
        p = r.port(tls)
        u, _, _ = self.url(r, w, tls=tls)
        dline = None
        if decoy is not None:
            du, _, _ = self.url(decoy, w)
        if fmt == 'json':
            fname = rng.choice(['config.json', 'settings.json', 'app.json'])
            if rng.random() < 0.5:
                body = json.dumps({'service': {'name': w.name}, 'redis': {'host': h, 'port': p, 'tls': tls, 'db': 0}}, indent=2)
            else:
                body = json.dumps({'cache': {'redisUrl': u, 'ttlSeconds': 300}}, indent=2)
        elif fmt == 'toml':
            fname = rng.choice(['app.toml', 'config.toml'])
            body = '[server]\nport = 8080\n\n'
            if decoy is not None:
                body += f'# url = "{du}"\n'
            body += f'[redis]\nurl = "{u}"\npool_size = 10\n' if rng.random() < 0.5 else \
                f'[redis]\nhost = "{h}"\nport = {p}\ntls = {"true" if tls else "false"}\n'
        elif fmt == 'ini':
            fname = rng.choice(['settings.ini', 'app.ini'])
            body = '[app]\nname = ' + w.name + '\n\n'
            if decoy is not None:
                body += f'; host = {decoy.host(w.ns, rng)[0]}\n'
            body += f'[redis]\nhost = {h}\nport = {p}\nssl = {"true" if tls else "false"}\n'
        elif fmt == 'properties':
            fname = 'application.properties'
            if decoy is not None:
                dline = f'# spring.redis.host={decoy.host(w.ns, rng)[0]}\n'
            pref = rng.choice(['spring.redis', 'spring.data.redis', 'redis', 'app.cache.redis'])
            body = 'server.port=8080\n' + (dline or '') + f'{pref}.host={h}\n{pref}.port={p}\n'
            if tls:
                body += f'{pref}.ssl.enabled=true\n' if pref == 'spring.data.redis' else f'{pref}.ssl=true\n'
        elif fmt == 'env':
            fname = rng.choice(['app.env', 'runtime.env'])
            body = 'LOG_LEVEL=info\n'
            if decoy is not None:
                body += f'# REDIS_URL={du}\n'
            body += f'REDIS_URL={u}\n'
        else:
            fname = rng.choice(['config.yaml', 'app.yml'])
            body = f'server:\n  port: 8080\n'
            if decoy is not None:
                body += f'# redis: {du}\n'
            body += f'cache:\n  redis:\n    host: {h}\n    port: {p}\n' + ('    tls: true\n' if tls else '') \
                if rng.random() < 0.5 else f'redis:\n  url: "{u}"\n'
        return fname, body + ('' if body.endswith('\n') else '\n'), ht, fmt

    def mount(self, w, c, volname, src, path, sub=None):
        used = {v['name'] for v in w.volumes}
        base, i = volname, 0
        while volname in used:
            i += 1
            volname = f'{base}-{i}'
        paths = {m['mountPath'] for m in c['volumeMounts']}
        while path in paths:
            path += '-2'
        w.volumes.append(dict({'name': volname}, **src))
        m = {'name': volname, 'mountPath': path, 'readOnly': True}
        if sub:
            m['subPath'] = sub
        c['volumeMounts'].append(m)

    def r_mounted_file(self, w, c):
        rng = self.rng
        r = self.any_redis()
        decoy = self.any_redis(exclude=r) if rng.random() < 0.3 else None
        fname, body, ht, fmt = self.config_file(r, w, decoy)
        cmn = self.uname(w.ns, f'{w.name}-files')
        w.side.append(self.cm(w.ns, cmn, {fname: Block(body)}))
        vol = self.uname(w.ns + '/' + w.name, 'config')
        self.mount(w, c, vol, {'configMap': {'name': cmn}}, rng.choice(['/etc/app', '/config', '/app/config']))
        w.link(r.target, 'mounted-cm-' + fmt + ('+comment-decoy' if decoy else ''), ht)

    def r_mounted_items(self, w, c):
        """ConfigMap has two config files; `items` projects only one."""
        rng = self.rng
        r = self.any_redis()
        d = self.any_redis(exclude=r)
        f1, b1, ht, fmt = self.config_file(r, w)
        f2 = 'legacy-' + f1
        _, b2, _, _ = self.config_file(d, w)
        b2 = b2  # same format differs only by host
        cmn = self.uname(w.ns, f'{w.name}-multi')
        w.side.append(self.cm(w.ns, cmn, {f1: Block(b1), f2: Block(b2)}))
        vol = 'cfg'
        self.mount(w, c, vol, {'configMap': {'name': cmn, 'items': [{'key': f1, 'path': f1}]}}, '/etc/app')
        w.link(r.target, 'mounted-cm-items-' + fmt, ht)

    def r_mounted_secret_file(self, w, c):
        rng = self.rng
        r = self.any_redis()
        fname, body, ht, fmt = self.config_file(r, w)
        sn = self.uname(w.ns, f'{w.name}-secret-files')
        enc = rng.choice(['wrap', 'plain', 'string'])
        if enc == 'string':
            s = self.secret(w.ns, sn, string_data={fname: Block(body)})
        else:
            s = self.secret(w.ns, sn, {fname: body}, enc=enc)
        w.side.append(s)
        self.mount(w, c, 'secret-config', {'secret': {'secretName': sn, 'defaultMode': 0o440}}, '/etc/secret-config')
        w.link(r.target, 'mounted-secret-' + fmt + '-' + enc, ht)

    def r_args(self, w, c):
        rng = self.rng
        r = self.any_redis()
        h, ht = r.host(w.ns, rng)
        tls = r.tls and r.ext
        p = r.port(tls)
        form = rng.choice(['url', 'addr', 'hostport', 'go', 'java'])
        if form == 'url':
            u, ht, _ = self.url(r, w)
            c['args'] = ['serve', f'--redis-url={u}', '--http-port=8080']
        elif form == 'addr':
            c['args'] = ['--redis-addr', f'{h}:{p}', '--workers', '4']
        elif form == 'hostport':
            c['args'] = ['--cache-host', h, '--cache-port', str(p)]
        elif form == 'go':
            c['args'] = [f'-redis.addr={h}:{p}', '-log.level=info']
        else:
            c['command'] = ['java', f'-Dspring.redis.host={h}', f'-Dspring.redis.port={p}', '-jar', '/app/app.jar']
        w.link(r.target, 'args-' + form, ht)

    def r_stackexchange(self, w, c):
        rng = self.rng
        r = self.any_redis()
        h, ht = r.host(w.ns, rng)
        tls = r.tls and (r.ext or rng.random() < 0.5)
        p = r.port(tls)
        key = rng.choice(['RedisConnection', 'ConnectionStrings__Redis', 'ConnectionStrings__RedisConnection',
                          'Redis__Configuration'])
        val = f'{h}:{p},abortConnect=false,ssl={"True" if tls else "False"}'
        if rng.random() < 0.5:
            val += ',password=s3cr3t'
        c['env'].append({'name': key, 'value': val})
        w.link(r.target, 'stackexchange', ht)

    def r_connection_key(self, w, c):
        """A connection-string key holding a bare host:port of a Redis Service (.NET `RedisConnection`,
        `CACHE_CONNECTION`): the app connects there."""
        r = self.any_redis(internal_only=True)
        h, ht = r.host(w.ns, self.rng)
        key = self.rng.choice(['RedisConnection', 'CACHE_CONNECTION'])
        c['env'].append({'name': key, 'value': f'{h}:6379'})
        w.link(r.target, 'connection-key-plain:' + key, ht)

    def r_mounted_binarydata(self, w, c):
        """ConfigMap `binaryData` key mounted as a file (kubectl create configmap --from-file of a
        non-UTF-8 file puts it there): the file is on disk like a `data` key."""
        r = self.any_redis()
        fname, body, ht, fmt = self.config_file(r, w)
        cmn = self.uname(w.ns, f'{w.name}-bin')
        w.side.append({'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': cmn, 'namespace': w.ns},
                       'binaryData': {fname: b64(body)}})
        self.mount(w, c, 'bincfg', {'configMap': {'name': cmn}}, '/etc/app')
        w.link(r.target, 'mounted-cm-binarydata-' + fmt, ht)

    def r_probe(self, w, c):
        rng = self.rng
        r = self.any_redis(internal_only=True)
        h, ht = r.host(w.ns, rng)
        c['readinessProbe'] = {'exec': {'command': ['redis-cli', '-h', h, '-p', '6379', 'ping']},
                               'periodSeconds': 10}
        w.link(r.target, 'exec-probe', ht)

    def r_external(self, w, c):
        r = self.rng.choice(self.exts)
        self.r_literal_url(w, c, r=r)

    def init_route(self, w):
        rng = self.rng
        r = self.any_redis(internal_only=True)
        h, ht = r.host(w.ns, rng, allow_headless=False)
        form = rng.choice(['nc', 'redis-cli', 'wait-for'])
        if form == 'nc':
            ic = {'name': 'wait-for-redis', 'image': 'busybox:1.36',
                  'command': ['sh', '-c', f'until nc -z {h} 6379; do echo waiting for redis; sleep 2; done']}
        elif form == 'redis-cli':
            ic = {'name': 'redis-ready', 'image': r.image if not r.ext else 'redis:7.2',
                  'command': ['sh', '-c', f'until redis-cli -h {h} -p 6379 ping; do sleep 1; done']}
        else:
            ic = {'name': 'wait', 'image': 'ghcr.io/groundnuty/k8s-wait-for:v2.0',
                  'args': ['wait-for-it.sh', f'{h}:6379', '-t', '60']}
        w.init.append(ic)
        w.link(r.target, 'init-container-' + form, ht)

    # --- look-alike settings (no connection)
    LA_KEYS = [('REDIS_TIMEOUT', '5000'), ('REDIS_MAX_CONNECTIONS', '50'), ('REDIS_KEY_PREFIX', 'orders:'),
               ('REDIS_POOL_SIZE', '20'), ('REDIS_TTL_SECONDS', '3600'), ('REDIS_RETRY_ATTEMPTS', '3'),
               ('CACHE_REDIS_KEY_PREFIX', 'svc:'), ('REDIS_CLIENT', 'predis'), ('REDIS_CONNECT_TIMEOUT_MS', '250'),
               ('REDIS_MAXMEMORY_POLICY', 'allkeys-lru'), ('REDIS_LOCK_TTL', '30s')]

    def la_settings(self, w, c, tag=True):
        for k, v in self.rng.sample(self.LA_KEYS, self.rng.randint(1, 4)):
            c['env'].append({'name': k, 'value': v})
        if tag:
            w.tags.add('lookalike-redis-named-settings')

    def lookalike_route(self, w, c):
        rng = self.rng
        kind = rng.choice(['settings', 'disabled', 'postgres', 'memcached', 'amqp', 'http-ui', 'comment',
                           'optional-only', 'keyref-other-key', 'volume-unmounted', 'items-other-key'])
        w.tags.add('lookalike-' + kind)
        fk = {f[3]: f for f in self.fake}
        if kind == 'settings':
            self.la_settings(w, c)
        elif kind == 'disabled':
            r = self.any_redis(internal_only=True)
            h, _ = r.host(w.ns, rng)
            pre = rng.choice(['REDIS', 'CACHE_REDIS'])
            c['env'] += [{'name': f'{pre}_ENABLED', 'value': 'false'}, {'name': f'{pre}_HOST', 'value': h},
                         {'name': f'{pre}_PORT', 'value': '6379'}]
        elif kind == 'postgres':
            name, ns, port, _ = fk['postgresql']
            c['env'] += [{'name': 'DATABASE_URL', 'value': f'postgresql://audit:pw@{name}.{ns}:{port}/audit'},
                         {'name': 'AUDIT_DB_HOST', 'value': f'{name}.{ns}'}, {'name': 'AUDIT_DB_PORT', 'value': str(port)}]
        elif kind == 'memcached':
            name, ns, port, _ = fk['memcached']
            c['env'] += [{'name': 'MEMCACHED_SERVERS', 'value': f'{name}.{ns}:{port}'}]
        elif kind == 'amqp':
            name, ns, port, _ = fk['amqp']
            c['env'] += [{'name': 'CELERY_BROKER_URL', 'value': f'amqp://guest:guest@{name}.{ns}:{port}//'}]
        elif kind == 'http-ui':
            name, ns, port, _ = fk['http']
            c['env'] += [{'name': 'STATS_DASHBOARD_URL', 'value': f'http://{name}.{ns}:{port}/'}]
        elif kind == 'comment':
            r = self.any_redis()
            u, _, _ = self.url(r, w)
            c['env'] = [Comment(f'- name: REDIS_URL'), Comment(f'  value: {u}  # moved to the shared cache'),
                        {'name': 'LOG_LEVEL', 'value': 'info'}]
        elif kind == 'optional-only':
            opt = self.uname(w.ns, f'{w.name}-opt')
            w.side.append(self.cm(w.ns, opt, {'FEATURE_FLAGS': 'a,b'}))
            c['env'].append({'name': 'REDIS_URL', 'valueFrom': {'configMapKeyRef': {
                'name': opt, 'key': 'REDIS_URL', 'optional': True}}})
        elif kind == 'keyref-other-key':
            r = self.any_redis()
            u, _, _ = self.url(r, w)
            cmn = self.uname(w.ns, f'{w.name}-shared')
            w.side.append(self.cm(w.ns, cmn, {'REDIS_URL': u, 'LOG_LEVEL': 'warn'}))
            c['env'].append({'name': 'LOG_LEVEL', 'valueFrom': {'configMapKeyRef': {'name': cmn, 'key': 'LOG_LEVEL'}}})
        elif kind == 'volume-unmounted':
            r = self.any_redis()
            fname, body, _, _ = self.config_file(r, w)
            cmn = self.uname(w.ns, f'{w.name}-unused-files')
            w.side.append(self.cm(w.ns, cmn, {fname: Block(body)}))
            w.volumes.append({'name': 'unused-config', 'configMap': {'name': cmn}})
        elif kind == 'items-other-key':
            r = self.any_redis()
            fname, body, _, _ = self.config_file(r, w)
            cmn = self.uname(w.ns, f'{w.name}-bundle')
            w.side.append(self.cm(w.ns, cmn, {fname: Block(body), 'logging.conf': 'level=info\n'}))
            self.mount(w, c, 'logcfg', {'configMap': {'name': cmn, 'items': [{'key': 'logging.conf', 'path': 'logging.conf'}]}},
                       '/etc/logging')

    def make_debug_pod(self, ns):
        """kubectl run redis-cli --image=redis -- redis-cli -h HOST: a consumer (docs: a Redis image running
        only redis-cli is a client). `sleep infinity` on a redis image: nothing."""
        rng = self.rng
        name = self.uname(ns, rng.choice(['redis-cli', 'redis-debug', 'redis-shell']))
        r = self.any_redis(internal_only=True)
        h, ht = r.host(ns, rng, allow_headless=False)
        c = {'name': name, 'image': rng.choice(['redis:7.2', 'redis', 'valkey/valkey:8.0']), 'stdin': True, 'tty': True}
        sleep = rng.random() < 0.3
        if sleep:
            c['command'] = ['sleep', 'infinity']
        elif rng.random() < 0.5:
            c['args'] = ['redis-cli', '-h', h, '-p', str(6380 if r.tls else 6379)] + (['--tls', '--insecure'] if r.tls else [])
        else:
            c['command'] = ['redis-cli', '-h', h, 'monitor']
        pod = {'apiVersion': 'v1', 'kind': 'Pod', 'metadata': {'name': name, 'namespace': ns, 'labels': {'run': name}},
               'spec': {'containers': [c], 'restartPolicy': 'Never', 'dnsPolicy': 'ClusterFirst'}}
        self.write_multi(f'{ns}/debug/{name}.yaml', [pod])
        cid = f'{ns}/Pod/{name}'
        if sleep:
            self.lookalikes.append(cid)
            self.la_routes[cid] = ['lookalike-redis-image-sleep']
            self.non_resources += [f'{ns}/{name}']
        else:
            self.consumer_extra[cid] = {r.target: ['debug-pod-redis-cli', ht]}

    # ------------------------------------------------------------ emit workloads
    def pod_spec(self, w, restart=None):
        cs = []
        for c in w.containers:
            c = dict(c)
            if not c.get('env'):
                c.pop('env', None)
            if not c.get('volumeMounts'):
                c.pop('volumeMounts', None)
            cs.append(c)
        spec = {}
        if w.init:
            spec['initContainers'] = w.init
        spec['containers'] = cs
        if w.volumes:
            spec['volumes'] = w.volumes
        if restart:
            spec['restartPolicy'] = restart
        return spec

    def finish(self, w):
        rng = self.rng
        lab = {'app.kubernetes.io/name': w.name, 'app.kubernetes.io/part-of': w.ns}
        tmpl = lambda restart=None: {'metadata': {'labels': dict(lab)}, 'spec': self.pod_spec(w, restart)}
        md = {'name': w.name, 'namespace': w.ns, 'labels': dict(lab, team=w.ns.split('-')[0])}
        sel = {'matchLabels': dict(lab)}
        k = w.kind
        docs = []
        if k == 'Deployment':
            docs.append({'apiVersion': 'apps/v1', 'kind': 'Deployment', 'metadata': md,
                         'spec': {'replicas': rng.randint(1, 5), 'selector': sel,
                                  'strategy': {'type': 'RollingUpdate', 'rollingUpdate': {'maxSurge': '25%', 'maxUnavailable': 0}},
                                  'template': tmpl()}})
            if w.style == 'DeploymentDump':
                h = f'{rng.randrange(16**10):010x}'[:10]
                rs_name = f'{w.name}-{h}'
                rs_lab = dict(lab, **{'pod-template-hash': h})
                t = tmpl()
                t['metadata']['labels'] = rs_lab
                docs.append({'apiVersion': 'apps/v1', 'kind': 'ReplicaSet',
                             'metadata': {'name': rs_name, 'namespace': w.ns, 'labels': rs_lab,
                                          'ownerReferences': [{'apiVersion': 'apps/v1', 'kind': 'Deployment', 'name': w.name,
                                                               'uid': f'{rng.randrange(16**8):08x}-0000-4000-8000-000000000000',
                                                               'controller': True, 'blockOwnerDeletion': True}]},
                             'spec': {'replicas': 1, 'selector': {'matchLabels': rs_lab}, 'template': t}})
                pspec = self.pod_spec(w)
                if w.old:
                    t['spec'] = json.loads(json.dumps(w.old))
                    pspec = json.loads(json.dumps(w.old))
                docs.append({'apiVersion': 'v1', 'kind': 'Pod',
                             'metadata': {'name': f'{rs_name}-{rng.randrange(36**5):05x}', 'namespace': w.ns, 'labels': rs_lab,
                                          'ownerReferences': [{'apiVersion': 'apps/v1', 'kind': 'ReplicaSet', 'name': rs_name,
                                                               'uid': '1', 'controller': True}]},
                             'spec': pspec, 'status': {'phase': 'Running', 'podIP': f'10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(2, 250)}'}})
        elif k == 'StatefulSet':
            docs.append({'apiVersion': 'apps/v1', 'kind': 'StatefulSet', 'metadata': md,
                         'spec': {'serviceName': w.name, 'replicas': rng.randint(1, 3), 'selector': sel,
                                  'podManagementPolicy': 'Parallel', 'template': tmpl()}})
        elif k == 'DaemonSet':
            docs.append({'apiVersion': 'apps/v1', 'kind': 'DaemonSet', 'metadata': md,
                         'spec': {'selector': sel, 'updateStrategy': {'type': 'RollingUpdate'}, 'template': tmpl()}})
        elif k == 'ReplicaSet':
            docs.append({'apiVersion': 'apps/v1', 'kind': 'ReplicaSet', 'metadata': md,
                         'spec': {'replicas': 2, 'selector': sel, 'template': tmpl()}})
        elif k == 'ReplicationController':
            docs.append({'apiVersion': 'v1', 'kind': 'ReplicationController', 'metadata': md,
                         'spec': {'replicas': 1, 'selector': dict(lab), 'template': tmpl()}})
        elif k == 'Job':
            docs.append({'apiVersion': 'batch/v1', 'kind': 'Job', 'metadata': md,
                         'spec': {'backoffLimit': 4, 'ttlSecondsAfterFinished': 600,
                                  'template': tmpl(rng.choice(['Never', 'OnFailure']))}})
        elif k == 'CronJob':
            docs.append({'apiVersion': 'batch/v1', 'kind': 'CronJob', 'metadata': md,
                         'spec': {'schedule': rng.choice(['*/5 * * * *', '0 3 * * *', '@hourly']),
                                  'concurrencyPolicy': 'Forbid', 'successfulJobsHistoryLimit': 1,
                                  'jobTemplate': {'spec': {'backoffLimit': 2, 'template': tmpl('OnFailure')}}}})
            if w.style == 'CronJobWithJob':
                jn = f'{w.name}-{rng.randint(28000000, 29999999)}'
                docs.append({'apiVersion': 'batch/v1', 'kind': 'Job',
                             'metadata': {'name': jn, 'namespace': w.ns, 'labels': dict(lab),
                                          'ownerReferences': [{'apiVersion': 'batch/v1', 'kind': 'CronJob', 'name': w.name,
                                                               'uid': '2', 'controller': True}]},
                             'spec': {'backoffLimit': 2, 'template': tmpl('OnFailure') if not w.old else
                                      {'spec': dict(json.loads(json.dumps(w.old)), restartPolicy='OnFailure')}},
                             'status': {'active': 1, 'startTime': '2026-11-30T23:00:00Z'}})
        elif k == 'Pod':
            docs.append({'apiVersion': 'v1', 'kind': 'Pod', 'metadata': md,
                         'spec': self.pod_spec(w, rng.choice(['Always', 'OnFailure', 'Never']))})
        w.docs = docs

    # ------------------------------------------------------------ files
    def write(self, path, text):
        assert path not in self.files, path
        self.files[path] = text

    def write_multi(self, path, docs, lead=True):
        parts = []
        for i, d in enumerate(docs):
            parts.append(to_yaml(d))
        sep = '---\n'
        self.write(path, (sep if lead and self.rng.random() < 0.3 else '') + sep.join(parts))

    def write_list(self, path, docs):
        self.write(path, to_yaml({'apiVersion': 'v1', 'kind': 'List', 'metadata': {'resourceVersion': ''},
                                  'items': docs}))

    def write_json(self, path, docs, mode='list'):
        docs = [plain(d) for d in docs]
        if mode == 'list':
            t = json.dumps({'apiVersion': 'v1', 'kind': 'List', 'items': docs}, indent=2)
        elif mode == 'array':
            t = json.dumps(docs, indent=2)
        else:
            t = '\n'.join(json.dumps(d) for d in docs)
        if len(docs) == 1 and mode == 'list':
            t = json.dumps(docs[0], indent=4)
        self.write(path, t + '\n')

    def emit_all(self):
        rng = self.rng
        by_ns = {}
        for w in self.workloads:
            by_ns.setdefault(w.ns, []).append(w)
        # look-alike workloads were built too; keep their docs (stored on the side)
        for w in self.lookalike_objs:
            by_ns.setdefault(w.ns, []).append(w)
        for ns, ws in by_ns.items():
            rng.shuffle(ws)
            i = 0
            while i < len(ws):
                style = rng.random()
                if style < 0.45:
                    w = ws[i]
                    self.write_multi(f'{ns}/workloads/{w.name}.yaml', w.docs + w.side)
                    i += 1
                elif style < 0.6:
                    w = ws[i]
                    self.write_multi(f'{ns}/workloads/{w.name}.yaml', w.docs)
                    if w.side:
                        self.write_multi(f'{ns}/config/{w.name}-config.yaml', w.side)
                    i += 1
                elif style < 0.75:
                    grp = ws[i:i + rng.randint(2, 5)]
                    docs = [d for w in grp for d in w.docs + w.side]
                    self.write_multi(f'{ns}/bundle-{grp[0].name}.yaml', docs)
                    i += len(grp)
                elif style < 0.87:
                    grp = ws[i:i + rng.randint(1, 3)]
                    docs = [d for w in grp for d in w.docs + w.side]
                    self.write_list(f'{ns}/list-{grp[0].name}.yaml', docs)
                    i += len(grp)
                else:
                    w = ws[i]
                    docs = w.docs + w.side
                    self.write_json(f'{ns}/json/{w.name}.json', docs,
                                    mode=rng.choice(['list', 'array', 'stream']) if len(docs) > 1 else 'list')
                    i += 1
        # per-namespace shared look-alike material
        for ns in self.app_ns + self.cache_ns:
            r = self.rng.choice(self.redises)
            self.write(f'{ns}/README.md', f'# {ns}\n\nConnect for debugging:\n\n    redis-cli -u redis://{r.target}:6379/0\n\n'
                                          f'Apps read REDIS_URL=redis://{r.svc}.{r.ns}:6379.\n')
            objs = list(self.ns_objs.get(ns, []))
            objs.append(self.cm(ns, 'redis-docs', {'README.md': Block(f'Use redis://{r.target}:6379/0 for sessions.\n'),
                                                   'example.env': Block(f'REDIS_URL=redis://{r.svc}.{r.ns}:6379/1\n')}))
            objs.append(self.cm(ns, 'legacy-cache-endpoints',
                                {'REDIS_URL': f'redis://{r.svc}.{r.ns}:6379/2', 'SESSION_REDIS_HOST': f'{r.svc}.{r.ns}'}))
            objs.append(self.secret(ns, 'unused-redis-credentials', {'REDIS_URL': f'redis://:pw@{r.target}:6379'}))
            self.write_multi(f'{ns}/shared.yaml', objs)

    def run(self, out):
        self.lookalike_objs = []
        self.build()
        tree = os.path.join(out, 'tree')
        if os.path.exists(tree):
            shutil.rmtree(tree)
        self.emit_all()
        for p, t in self.files.items():
            fp = os.path.join(tree, p)
            os.makedirs(os.path.dirname(fp), exist_ok=True)
            with open(fp, 'w', newline='') as f:
                f.write(t)
        consumers, routes, link_routes = {}, {}, {}
        for w in self.workloads:
            consumers[w.cid] = sorted(w.links)
            routes[w.cid] = sorted(w.tags)
            link_routes[w.cid] = {t: sorted(v) for t, v in w.links.items()}
        for cid, links in self.consumer_extra.items():
            consumers[cid] = sorted(links)
            link_routes[cid] = {t: sorted(v) for t, v in links.items()}
            routes[cid] = sorted({x for v in links.values() for x in v})
        for cid, r in self.la_routes.items():
            routes[cid] = r
        resources = sorted({r.target for r in self.redises} | {e.target for e in self.exts})
        truth = {'consumers': consumers, 'lookalikes': sorted(set(self.lookalikes)), 'routes': routes,
                 'link_routes': link_routes, 'resources': resources, 'non_resources': sorted(set(self.non_resources))}
        with open(os.path.join(out, 'truth.json'), 'w') as f:
            json.dump(truth, f, indent=1, sort_keys=True)
        nl = sum(len(v) for v in consumers.values())
        print(f'{len(self.files)} files, {len(consumers)} consumers, {nl} links, '
              f'{len(truth["lookalikes"])} look-alikes, {len(resources)} resources')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--workloads', type=int, default=2000)
    ap.add_argument('--seed', type=int, default=11)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    g = Gen(a.workloads, a.seed)
    g.run(a.out)


if __name__ == '__main__':
    main()
