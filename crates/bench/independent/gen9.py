#!/usr/bin/env python3
"""gen9: synthetic kustomize-based GitOps organisation for fallout.

usage: gen9.py OUTDIR --workloads N --seed S

Writes OUTDIR/tree (the repository) and OUTDIR/truth.json.

Layout of the repository:
  infra/redis/base            StatefulSet+Service `redis` (plaintext 6379)
  infra/redis/base-tls        same, TLS only on 6380
  infra/redis/instances/<env>/<inst>   namespace data-<env>, namePrefix <inst>-,
                              commonLabels/labels{instance} (distinguishes the
                              Services' selectors inside one namespace)
  infra/redis/solo/<env>/<inst>        namespace cache-<inst>-<env>, no prefix
  infra/redis/managed/<env>   ExternalName Services <m>-managed -> AWS hosts
  components/cache-<inst>-<env>  kind: Component adding REDIS_URL by JSON6902
  apps/<team>/<app>/base + overlays/{dev,staging,prod}[, prod-eu]
  clusters/<env>/kustomization.yaml   Flux-style aggregators listing overlays

Truth decisions (kustomize semantics, the tool's docs where kustomize is
silent about what is deployed):
  * every overlay is a deployed unit in its own namespace; a `base` listed by
    overlays is not deployed on its own;
  * a nested overlay (prod-eu on prod) deploys both prod and prod-eu;
  * an app `base` that no kustomization lists ("orphan") is deployed as is,
    in namespace `default` (docs: every kustomization no other lists is
    applied);
  * a YAML file inside a kustomize folder that its kustomization does not
    list is NOT deployed (kustomize builds only what is listed): lookalike;
  * host names in values are not rewritten by namePrefix; a consumer whose
    host then names no Service is a consumer of the external name
    `<host>.<ns>` (the docs' model; it is a real client that breaks);
  * replacements are applied (real kustomize); the docs say fallout does not.
"""
import argparse
import json
import os
import random

ENVS = ['dev', 'staging', 'prod']
INST_WORDS = ['sessions', 'queue', 'cache', 'ratelimit', 'features', 'leader',
              'search', 'carts', 'tokens', 'events', 'geo', 'locks', 'jobs',
              'presence', 'stream', 'counters']
APP_WORDS = ['api', 'worker', 'web', 'billing', 'orders', 'auth', 'notifier',
             'catalog', 'checkout', 'ledger', 'gateway', 'scheduler', 'search',
             'profile', 'media', 'inventory', 'pricing', 'reports']
TEAMS_WORDS = ['payments', 'growth', 'core', 'identity', 'data', 'platform',
               'mobile', 'risk', 'ops', 'retail', 'ads', 'infra']


def q(s):
    return json.dumps(s)


class Gen:
    def __init__(self, out, n, seed):
        self.root = os.path.join(out, 'tree')
        self.out = out
        self.n = n
        self.r = random.Random(seed)
        self.consumers = {}
        self.lookalikes = []
        self.routes = {}
        self.resources = {}
        self.workloads = 0
        self.passwords = []
        self.cluster_lists = {e: [] for e in ENVS}

    # ---------------------------------------------------------------- io
    def w(self, rel, text):
        p = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'w') as f:
            f.write(text)

    def add(self, cid, target, *tags):
        self.consumers.setdefault(cid, [])
        if target not in self.consumers[cid]:
            self.consumers[cid].append(target)
        self.routes.setdefault(cid, [])
        for t in tags:
            if t not in self.routes[cid]:
                self.routes[cid].append(t)

    def look(self, cid, *tags):
        self.lookalikes.append(cid)
        self.routes[cid] = ['lookalike-' + t for t in tags]

    # ---------------------------------------------------------------- infra
    def infra(self):
        r = self.r
        ninst = max(4, min(len(INST_WORDS), self.n // 400 + 4))
        self.inst = INST_WORDS[:ninst]
        self.tls = {i: (k % 4 == 3) for k, i in enumerate(self.inst)}
        self.solo = ['solo%d' % k for k in range(max(1, ninst // 4))]
        self.managed = ['billing', 'analytics'][:max(1, min(2, ninst // 3))]
        base_sts = '''apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis
  labels:
    app.kubernetes.io/name: redis
spec:
  serviceName: redis
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: redis
  template:
    metadata:
      labels:
        app.kubernetes.io/name: redis
    spec:
      containers:
        - name: redis
          image: redis:7.2-alpine
          args: [%s]
          ports:
            - containerPort: %d
              name: redis
'''
        svc = '''---
apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  selector:
    app.kubernetes.io/name: redis
  ports:
    - name: redis
      port: %d
      targetPort: redis
'''
        self.w('infra/redis/base/redis.yaml', base_sts % ('"--port", "6379", "--appendonly", "yes"', 6379) + svc % 6379)
        self.w('infra/redis/base/kustomization.yaml',
               'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - redis.yaml\n')
        self.w('infra/redis/base-tls/redis.yaml',
               base_sts % ('"--port", "0", "--tls-port", "6380", "--tls-cert-file", "/tls/tls.crt", '
                           '"--tls-key-file", "/tls/tls.key", "--tls-ca-cert-file", "/tls/ca.crt"', 6380) + svc % 6380)
        self.w('infra/redis/base-tls/kustomization.yaml',
               'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - redis.yaml\n')
        for env in ENVS:
            for k, inst in enumerate(self.inst):
                base = '../../../base-tls' if self.tls[inst] else '../../../base'
                if k % 2 == 0:
                    lab = 'commonLabels:\n  instance: %s\n' % inst
                else:
                    lab = 'labels:\n  - pairs:\n      instance: %s\n    includeSelectors: true\n' % inst
                extra = ''
                if k % 3 == 1:
                    extra += 'images:\n  - name: redis\n    newName: mirror.internal/library/redis\n    newTag: 7.2.5\n'
                if k % 5 == 2:
                    extra += 'replicas:\n  - name: redis\n    count: 1\n'
                self.w('infra/redis/instances/%s/%s/kustomization.yaml' % (env, inst),
                       'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n'
                       'namespace: data-%s\nnamePrefix: %s-\n%sresources:\n  - %s\n%s' % (env, inst, lab, base, extra))
                self.resources['data-%s/%s-redis' % (env, inst)] = 1
                self.cluster_lists[env].append('../../infra/redis/instances/%s/%s' % (env, inst))
                self.workloads += 1
            for s in self.solo:
                self.w('infra/redis/solo/%s/%s/kustomization.yaml' % (env, s),
                       'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n'
                       'namespace: cache-%s-%s\nresources:\n  - ../../../base\n' % (s, env))
                self.resources['cache-%s-%s/redis' % (s, env)] = 1
                self.cluster_lists[env].append('../../infra/redis/solo/%s/%s' % (env, s))
                self.workloads += 1
            docs = []
            for m in self.managed:
                docs.append('apiVersion: v1\nkind: Service\nmetadata:\n  name: %s-managed\nspec:\n'
                            '  type: ExternalName\n  externalName: %s\n' % (m, self.aws(m, env)))
                self.resources[self.aws(m, env)] = 1
            self.w('infra/redis/managed/%s/services.yaml' % env, '---\n'.join(docs))
            self.w('infra/redis/managed/%s/kustomization.yaml' % env,
                   'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n'
                   'namespace: data-%s\nresources:\n  - services.yaml\n' % env)
            self.cluster_lists[env].append('../../infra/redis/managed/%s' % env)

    def aws(self, m, env):
        return '%s-%s.x7k2pq.ng.0001.use1.cache.amazonaws.com' % (m, env)

    # an endpoint for (env, choice): host, port, scheme, truth target
    def endpoint(self, env, kind, inst):
        if kind == 'inst':
            tls = self.tls[inst]
            form = self.hostform
            base = '%s-redis.data-%s' % (inst, env)
            host = {'svcns': base, 'svc': base + '.svc', 'fqdn': base + '.svc.cluster.local'}[form]
            return host, (6380 if tls else 6379), ('rediss' if tls else 'redis'), 'data-%s/%s-redis' % (env, inst)
        if kind == 'solo':
            base = 'redis.cache-%s-%s' % (inst, env)
            return base + '.svc.cluster.local', 6379, 'redis', 'cache-%s-%s/redis' % (inst, env)
        if kind == 'managed':
            return '%s-managed.data-%s' % (inst, env), 6379, 'redis', self.aws(inst, env)
        if kind == 'aws':
            h = self.aws(inst, env)
            return h, 6380, 'rediss', h
        raise ValueError(kind)

    # ---------------------------------------------------------------- apps
    def pick_target(self):
        r = self.r
        x = r.random()
        if x < 0.70:
            return 'inst', r.choice(self.inst)
        if x < 0.80:
            return 'solo', r.choice(self.solo)
        if x < 0.92:
            return 'managed', r.choice(self.managed)
        return 'aws', r.choice(self.managed)

    def deployment(self, name, image, env_lines='', extra_container='', volumes='', labels='', kind='Deployment'):
        return ('apiVersion: apps/v1\nkind: %s\nmetadata:\n  name: %s\n  labels:\n    app: %s\n%s'
                'spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: %s\n  template:\n'
                '    metadata:\n      labels:\n        app: %s\n    spec:\n      containers:\n'
                '        - name: app\n          image: %s\n          ports:\n            - containerPort: 8080\n'
                '%s%s%s') % (kind, name, name, labels, name, name, image, env_lines, extra_container, volumes)

    def app(self, idx):
        r = self.r
        team = self.teams[idx % len(self.teams)]
        app = '%s-%d' % (r.choice(APP_WORDS), idx)
        d = 'apps/%s/%s' % (team, app)
        style = r.choice(['none', 'none', 'prefix', 'suffix', 'both'])
        self.hostform = r.choice(['svcns', 'svcns', 'svc', 'fqdn'])
        route = r.choices(
            ['env_url', 'split', 'cmkeyref', 'var', 'secretref', 'envfrom_envs', 'file', 'args',
             'component', 'json_add', 'exporter', 'ownredis', 'replacements'],
            [14, 10, 10, 6, 8, 10, 8, 7, 6, 6, 3, 6, 2])[0]
        kind, inst = self.pick_target()
        # per-env target: same instance family, env specific (managed/aws too)
        if route in ('args',) and kind in ('aws',):
            kind = 'managed'
        eps = {e: self.endpoint(e, kind, inst) for e in ENVS}
        # a few apps switch instance in prod
        if r.random() < 0.15 and kind == 'inst':
            inst2 = r.choice(self.inst)
            eps['prod'] = self.endpoint('prod', 'inst', inst2)
        orphan = r.random() < 0.02 and route not in ('component', 'json_add', 'replacements')
        look = None
        if not orphan and r.random() < 0.12:
            look = {'env_url': r.choice(['memcached', 'postgres', 'delete']),
                    'split': r.choice(['disabled', 'delete']),
                    'envfrom_envs': 'replace', 'cmkeyref': 'delete'}.get(route)
        eu = (not orphan) and r.random() < 0.06 and route in ('env_url', 'split', 'cmkeyref', 'secretref', 'envfrom_envs')
        cron = (not orphan) and r.random() < 0.08
        legacy = r.random() < 0.015
        readme = r.random() < 0.05
        pgdb = route == 'envfrom_envs' and r.random() < 0.2
        wl_label = ''
        if route == 'component':
            wl_label = '    cache: enabled\n'

        def url(ep, pw=None):
            h, p, s, _ = ep
            auth = ':%s@' % pw if pw else ''
            return '%s://%s%s:%d/0' % (s, auth, h, p)

        def addr(ep):
            return '%s:%d' % (ep[0], ep[1])

        files = {}
        kz = ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', '  - deployment.yaml']
        dev = eps['dev']
        key = 'REDIS_URL'
        if look == 'memcached':
            key = 'CACHE_URL'
        elif look == 'postgres':
            key = 'STORE_URL'
        env_lines = ''
        volumes = ''
        args = ''
        image = 'registry.acme.io/%s/%s:1.%d.0' % (team, app, idx % 9)
        pw = 'pw-%s-%08x' % (app, r.getrandbits(32))
        if route == 'env_url':
            env_lines = ('          env:\n            - name: LOG_LEVEL\n              value: info\n'
                         '            - name: %s\n              value: %s\n') % (key, q(url(dev)))
        elif route == 'split':
            env_lines = ('          env:\n            - name: REDIS_HOST\n              value: %s\n'
                         '            - name: REDIS_PORT\n              value: "%d"\n') % (dev[0], dev[1])
            if dev[2] == 'rediss':
                env_lines += '            - name: REDIS_TLS\n              value: "true"\n'
        elif route in ('cmkeyref', 'var'):
            kz += ['configMapGenerator:', '  - name: %s-config' % app, '    literals:',
                   '      - %s' % q('REDIS_HOST=' + dev[0]), '      - LOG_LEVEL=info']
            if route == 'cmkeyref':
                env_lines = ('          env:\n            - name: REDIS_HOST\n              valueFrom:\n'
                             '                configMapKeyRef:\n                  name: %s-config\n'
                             '                  key: REDIS_HOST\n            - name: REDIS_PORT\n'
                             '              value: "%d"\n') % (app, dev[1])
            else:
                env_lines = ('          env:\n            - name: CACHE_SERVER\n              valueFrom:\n'
                             '                configMapKeyRef:\n                  name: %s-config\n'
                             '                  key: REDIS_HOST\n            - name: REDIS_URL\n'
                             '              value: "%s://$(CACHE_SERVER):%d/1"\n') % (app, dev[2], dev[1])
        elif route == 'secretref':
            self.passwords.append(pw)
            kz += ['secretGenerator:', '  - name: %s-redis' % app, '    literals:',
                   '      - %s' % q('url=' + url(dev, pw))]
            env_lines = ('          env:\n            - name: REDIS_URL\n              valueFrom:\n'
                         '                secretKeyRef:\n                  name: %s-redis\n'
                         '                  key: url\n') % app
        elif route == 'envfrom_envs':
            files['base/redis.env'] = 'REDIS_HOST=%s\nREDIS_PORT=%d\nLOG_LEVEL=info\n' % (dev[0], dev[1])
            kz += ['configMapGenerator:', '  - name: %s-env' % app, '    envs:', '      - redis.env']
            env_lines = '          envFrom:\n            - configMapRef:\n                name: %s-env\n' % app
        elif route == 'file':
            files['base/app.yaml'] = 'server:\n  port: 8080\nredis:\n  url: %s\n  pool: 10\n' % url(dev)
            kz += ['configMapGenerator:', '  - name: %s-files' % app, '    files:', '      - app.yaml']
            if r.random() < 0.5:
                kz += ['generatorOptions:', '  disableNameSuffixHash: true']
            env_lines = ('          volumeMounts:\n            - name: config\n              mountPath: /etc/app\n')
            volumes = ('      volumes:\n        - name: config\n          configMap:\n            name: %s-files\n') % app
        elif route == 'args':
            args = '          args: ["serve", "--redis-addr=%s", "--workers=4"]\n' % addr(dev)
        elif route == 'component':
            env_lines = '          env:\n            - name: LOG_LEVEL\n              value: info\n'
        elif route == 'json_add':
            env_lines = '          env:\n            - name: LOG_LEVEL\n              value: info\n'
        elif route == 'exporter':
            image = 'oliver006/redis_exporter:v1.62.0'
            env_lines = '          env:\n            - name: REDIS_ADDR\n              value: %s\n' % q(url(dev))
        elif route == 'ownredis':
            kz[3:4] = ['  - deployment.yaml', '  - redis.yaml']
            files['base/redis.yaml'] = ('apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: %s-redis\nspec:\n'
                                        '  serviceName: %s-redis\n  selector:\n    matchLabels:\n      app: %s-redis\n'
                                        '  template:\n    metadata:\n      labels:\n        app: %s-redis\n    spec:\n'
                                        '      containers:\n        - name: redis\n          image: valkey/valkey:8.0\n'
                                        '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: %s-redis\nspec:\n'
                                        '  selector:\n    app: %s-redis\n  ports:\n    - port: 6379\n') % ((app,) * 6)
            kz += ['configMapGenerator:', '  - name: %s-cache' % app, '    literals:',
                   '      - REDIS_HOST=%s-redis' % app, '      - REDIS_PORT=6379']
            env_lines = '          envFrom:\n            - configMapRef:\n                name: %s-cache\n' % app
        elif route == 'replacements':
            env_lines = ('          env:\n            - name: REDIS_URL\n              value: set-by-overlay\n')
        if pgdb:
            kz[3:4] = ['  - deployment.yaml', '  - db.yaml']
            files['base/db.yaml'] = ('apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: %s-db\nspec:\n'
                                     '  serviceName: %s-db\n  selector:\n    matchLabels:\n      app: %s-db\n'
                                     '  template:\n    metadata:\n      labels:\n        app: %s-db\n    spec:\n'
                                     '      containers:\n        - name: postgres\n          image: postgres:16\n'
                                     '          envFrom:\n            - configMapRef:\n                name: %s-env\n') % ((app,) * 5)
        dep = self.deployment(app, image, args + env_lines, '', volumes, wl_label)
        files['base/deployment.yaml'] = dep
        if r.random() < 0.3:
            kz.insert(2, 'commonLabels:\n  team: %s' % team)
        files['base/kustomization.yaml'] = '\n'.join(kz) + '\n'
        if legacy:
            files['base/legacy-worker.yaml'] = self.deployment(
                app + '-legacy', image,
                '          env:\n            - name: REDIS_URL\n              value: %s\n' % q(url(dev)))
            self.look('default/Deployment/%s-legacy' % app, 'unlisted-file')
        if readme:
            files['README.md'] = '# %s\n\nUses Redis at `%s` (see overlays).\n' % (app, url(dev))

        for rel, text in files.items():
            self.w('%s/%s' % (d, rel), text)

        if orphan:
            cid = 'default/Deployment/%s' % app
            tgt = self.ep_target(route, dev, app, '', '', 'default', True)
            if tgt:
                self.add(cid, tgt, 'orphan-base', route)
            self.workloads += 1
            return

        for env in ENVS:
            self.overlay(d, team, app, env, route, eps, style, look if env == 'prod' else None, key,
                         cron and env == 'prod', pgdb)
        if eu:
            self.overlay_eu(d, team, app, route, eps, style, key)

    def ep_target(self, route, ep, app, pfx, sfx, ns, base_host):
        if route == 'ownredis':
            svc = '%s%s-redis%s' % (pfx, app, sfx)
            if base_host:
                self.resources['%s-redis.%s' % (app, ns)] = 1
                return '%s-redis.%s' % (app, ns)
            return '%s/%s' % (ns, svc)
        return ep[3]

    def names(self, style, env):
        return {'none': ('', ''), 'prefix': (env + '-', ''), 'suffix': ('', '-' + env),
                'both': ('x' + env[0] + '-', '-v2')}[style]

    def overlay(self, d, team, app, env, route, eps, style, look, key, cron, pgdb):
        r = self.r
        pfx, sfx = self.names(style, env)
        ns = '%s-%s' % (team, env)
        ep = eps[env]
        dev = eps['dev']
        od = '%s/overlays/%s' % (d, env)
        kz = ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'namespace: %s' % ns]
        if pfx:
            kz.append('namePrefix: %s' % pfx)
        if sfx:
            kz.append('nameSuffix: %s' % sfx)
        res = ['../../base']
        comps = []
        patches = []
        psm = []
        j6902 = []
        gens = []
        extra = []
        files = {}
        name = '%s%s%s' % (pfx, app, sfx)
        cid = '%s/Deployment/%s' % (ns, name)
        differs = ep[0] != dev[0] or ep[1] != dev[1]
        tags = [route]
        target_override = None  # truth target
        is_consumer = True
        host_written = True

        def smp_env(pairs, container='app'):
            s = ('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  template:\n    spec:\n'
                 '      containers:\n        - name: %s\n          env:\n') % (app, container)
            for k, v in pairs:
                s += '            - name: %s\n              value: %s\n' % (k, q(v))
            return s

        def add_smp(text, how=None):
            how = how or r.choice(['inline', 'file', 'psm'])
            if how == 'inline':
                patches.append('  - patch: |-\n' + ''.join('      ' + ln + '\n' for ln in text.rstrip('\n').split('\n')))
            elif how == 'file':
                fn = 'patch-%s.yaml' % r.choice(['redis', 'env', 'cache'])
                files[fn] = text
                patches.append('  - path: %s' % fn)
            else:
                files['redis-patch.yaml'] = text
                psm.append('  - redis-patch.yaml')
            tags.append('patch-' + how)

        def urlf(e, pw=None):
            auth = ':%s@' % pw if pw else ''
            return '%s://%s%s:%d/0' % (e[2], auth, e[0], e[1])

        if look == 'delete':
            patches.append('  - patch: |-\n      $patch: delete\n      apiVersion: apps/v1\n      kind: Deployment\n'
                           '      metadata:\n        name: %s\n' % app)
            is_consumer = False
            tags = ['delete']
        elif route == 'env_url':
            if look in ('memcached', 'postgres'):
                v = 'memcached://memcached.cache-%s:11211' % env if look == 'memcached' else \
                    'postgres://app@pg.data-%s:5432/%s' % (env, app.replace('-', '_'))
                add_smp(smp_env([(key, v)]))
                is_consumer = False
                tags = [look]
            elif differs or r.random() < 0.2:
                how = r.choice(['smp', 'smp', 'j6902-index', 'j6902-file'])
                if how == 'smp':
                    add_smp(smp_env([(key, urlf(ep))]))
                else:
                    op = ('- op: replace\n  path: /spec/template/spec/containers/0/env/1/value\n  value: %s\n'
                          % q(urlf(ep)))
                    if how == 'j6902-index':
                        patches.append('  - target:\n      kind: Deployment\n      name: %s\n    patch: |-\n' % app +
                                       ''.join('      ' + ln + '\n' for ln in op.rstrip('\n').split('\n')))
                    else:
                        files['redis-url.json6902.yaml'] = op
                        j6902.append('  - target:\n      group: apps\n      version: v1\n      kind: Deployment\n'
                                     '      name: %s\n    path: redis-url.json6902.yaml' % app)
                    tags.append(how)
        elif route == 'split':
            if look == 'disabled':
                add_smp(smp_env([('REDIS_ENABLED', 'false')]))
                is_consumer = False
                tags = ['disabled']
            elif differs:
                if ep[1] != dev[1] or r.random() < 0.5:
                    pairs = [('REDIS_HOST', ep[0]), ('REDIS_PORT', str(ep[1]))]
                    if ep[2] == 'rediss':
                        pairs.append(('REDIS_TLS', 'true'))
                    add_smp(smp_env(pairs))
                else:
                    op = ('- op: replace\n  path: /spec/template/spec/containers/0/env/0/value\n  value: %s\n' % q(ep[0]))
                    patches.append('  - target:\n      kind: Deployment\n      name: ^%s$\n    patch: |-\n' % app +
                                   ''.join('      ' + ln + '\n' for ln in op.rstrip('\n').split('\n')))
                    tags.append('j6902-index')
        elif route in ('cmkeyref', 'var'):
            if differs or r.random() < 0.2:
                gens.append('configMapGenerator:\n  - name: %s-config\n    behavior: merge\n    literals:\n      - %s\n'
                            % (app, q('REDIS_HOST=' + ep[0])))
                tags.append('gen-merge')
            if ep[1] != dev[1] or ep[2] != dev[2]:
                # port/scheme live in the Deployment: patch them too
                if route == 'cmkeyref':
                    add_smp(smp_env([('REDIS_PORT', str(ep[1]))]))
                else:
                    add_smp(smp_env([('REDIS_URL', '%s://$(CACHE_SERVER):%d/1' % (ep[2], ep[1]))]))
        elif route == 'secretref':
            if differs or r.random() < 0.3:
                pw = 'pw-%s-%s-%08x' % (app, env, r.getrandbits(32))
                self.passwords.append(pw)
                beh = r.choice(['merge', 'replace'])
                gens.append('secretGenerator:\n  - name: %s-redis\n    behavior: %s\n    literals:\n      - %s\n'
                            % (app, beh, q('url=' + urlf(ep, pw))))
                tags.append('secret-' + beh)
        elif route == 'envfrom_envs':
            if look == 'replace':
                files['app.env'] = 'LOG_LEVEL=warn\nFEATURE_X=on\n'
                gens.append('configMapGenerator:\n  - name: %s-env\n    behavior: replace\n    envs:\n      - app.env\n' % app)
                is_consumer = False
                tags = ['gen-replace']
            elif differs:
                files['redis.env'] = 'REDIS_HOST=%s\nREDIS_PORT=%d\n' % (ep[0], ep[1])
                gens.append('configMapGenerator:\n  - name: %s-env\n    behavior: merge\n    envs:\n      - redis.env\n' % app)
                tags.append('gen-merge-envs')
        elif route == 'file':
            if differs:
                files['app.yaml'] = 'server:\n  port: 8080\nredis:\n  url: %s\n  pool: 20\n' % urlf(ep)
                gens.append('configMapGenerator:\n  - name: %s-files\n    behavior: replace\n    files:\n      - app.yaml\n' % app)
                tags.append('gen-replace-file')
        elif route == 'args':
            if differs:
                if r.random() < 0.5:
                    op = ('- op: replace\n  path: /spec/template/spec/containers/0/args\n  value: ["serve", %s, "--workers=8"]\n'
                          % q('--redis-addr=%s:%d' % (ep[0], ep[1])))
                    files['args.yaml'] = op
                    patches.append('  - target:\n      kind: Deployment\n      name: %s\n    path: args.yaml' % app)
                    tags.append('j6902-args')
                else:
                    add_smp(('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\nspec:\n  template:\n    spec:\n'
                             '      containers:\n        - name: app\n          args: ["serve", %s]\n')
                            % (app, q('--redis-addr=%s:%d' % (ep[0], ep[1]))))
        elif route == 'component':
            cdir = 'components/cache-%s' % env
            comps.append('../../../../../%s' % cdir)
            self.component(cdir, env)
            target_override = self.comp_target(env)
        elif route == 'json_add':
            pos = r.choice(['-', '0', '1'])
            op = ('- op: add\n  path: /spec/template/spec/containers/0/env/%s\n  value:\n    name: REDIS_URL\n    value: %s\n'
                  % (pos, q(urlf(ep))))
            if r.random() < 0.5:
                patches.append('  - target:\n      kind: Deployment\n      name: %s\n    patch: |-\n' % app +
                               ''.join('      ' + ln + '\n' for ln in op.rstrip('\n').split('\n')))
            else:
                files['add-redis.yaml'] = op
                j6902.append('  - target:\n      group: apps\n      version: v1\n      kind: Deployment\n'
                             '      name: %s\n    path: add-redis.yaml' % app)
            tags.append('j6902-add-' + ('end' if pos == '-' else 'idx'))
        elif route == 'exporter':
            if differs:
                add_smp(smp_env([('REDIS_ADDR', urlf(ep))]))
        elif route == 'ownredis':
            if pfx or sfx:
                if r.random() < 0.7:
                    gens.append('configMapGenerator:\n  - name: %s-cache\n    behavior: merge\n    literals:\n'
                                '      - REDIS_HOST=%s%s-redis%s\n' % (app, pfx, app, sfx))
                    tags.append('gen-merge-renamed')
                else:
                    host_written = False
                    tags.append('renamed-unrewritten')
        elif route == 'replacements':
            gens.append('configMapGenerator:\n  - name: %s-endpoints\n    literals:\n      - %s\n' % (app, q('redis-url=' + urlf(ep))))
            extra.append('replacements:\n  - source:\n      kind: ConfigMap\n      name: %s-endpoints\n      fieldPath: data.redis-url\n'
                         '    targets:\n      - select:\n          kind: Deployment\n          name: %s\n'
                         '        fieldPaths:\n          - spec.template.spec.containers.[name=app].env.[name=REDIS_URL].value\n'
                         % (app, app))

        if cron:
            res.append('cleanup-cronjob.yaml')
            files['cleanup-cronjob.yaml'] = (
                'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: %s-cleanup\nspec:\n  schedule: "0 3 * * *"\n'
                '  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n'
                '          containers:\n            - name: cleanup\n              image: redis:7.2-alpine\n'
                '              command: ["sh", "-c", "redis-cli -h %s -p %d %s--scan --pattern \'tmp:*\' | head"]\n'
                % (app, ep[0], ep[1], '--tls ' if ep[2] == 'rediss' else ''))
            tgt = ep[3] if route != 'ownredis' else None
            if route == 'ownredis':
                tgt = None  # cron uses own instance names via ep: keep simple, skip
            if tgt:
                self.add('%s/CronJob/%s%s-cleanup%s' % (ns, pfx, app, sfx), tgt, 'cron-single-file', 'args-redis-cli')
                self.workloads += 1
            else:
                res.pop()
                del files['cleanup-cronjob.yaml']
        if r.random() < 0.5:
            extra.append('images:\n  - name: registry.acme.io/%s/%s\n    newTag: "2.%d.%d"\n' % (team, app, r.randint(0, 9), r.randint(0, 9)))
        if r.random() < 0.3 and look != 'delete':
            extra.append('replicas:\n  - name: %s\n    count: %d\n' % (app, r.randint(1, 5)))
        if r.random() < 0.4:
            kz.append('labels:\n  - pairs:\n      env: %s' % env)
        kz.append('resources:')
        kz += ['  - %s' % x for x in res]
        if comps:
            kz.append('components:')
            kz += ['  - %s' % x for x in comps]
        if psm:
            kz.append('patchesStrategicMerge:')
            kz += psm
        if patches:
            kz.append('patches:')
            kz += [p.rstrip('\n') for p in patches]
        if j6902:
            kz.append('patchesJson6902:')
            kz += j6902
        text = '\n'.join(kz) + '\n' + ''.join(gens) + ''.join(extra)
        self.w('%s/kustomization.yaml' % od, text)
        for fn, t in files.items():
            self.w('%s/%s' % (od, fn), t)
        self.workloads += 1
        if route == 'ownredis':
            self.resources['%s/%s%s-redis%s' % (ns, pfx, app, sfx)] = 1
            self.workloads += 1
        if pgdb:
            self.look('%s/StatefulSet/%s%s-db%s' % (ns, pfx, app, sfx), 'postgres-envfrom')
            self.workloads += 1
        if is_consumer:
            if target_override:
                tgt = target_override
            elif route == 'ownredis':
                tgt = self.ep_target(route, ep, app, pfx, sfx, ns, not host_written)
            else:
                tgt = ep[3]
            self.add(cid, tgt, *tags)
        else:
            self.look(cid, *tags)
        self.cluster_lists[env].append('../../%s' % od)

    def overlay_eu(self, d, team, app, route, eps, style, key):
        """prod-eu builds on overlays/prod (which stays deployed too)."""
        r = self.r
        ns = '%s-prod-eu' % team
        pfx = 'eu-'
        ppfx, psfx = self.names(style, 'prod')
        inner = '%s%s%s' % (ppfx, app, psfx)  # the name after the prod overlay
        # kustomize matches a namespace-less patch by the object's original
        # id (no namespace); the prefixed name needs the namespace too
        pname = app
        ep = self.endpoint('prod', 'inst', 'geo' if 'geo' in self.inst else self.inst[0])
        kz = ('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: %s\nnamePrefix: %s\n'
              'resources:\n  - ../prod\n' % (ns, pfx))
        url = '%s://%s:%d/0' % (ep[2], ep[0], ep[1])
        if route == 'env_url':
            kz += ('patches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n'
                   '        name: %s\n      spec:\n        template:\n          spec:\n            containers:\n'
                   '              - name: app\n                env:\n                  - name: %s\n'
                   '                    value: %s\n') % (pname, key, q(url))
        elif route == 'split':
            kz += ('patches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n'
                   '        name: %s\n      spec:\n        template:\n          spec:\n            containers:\n'
                   '              - name: app\n                env:\n                  - name: REDIS_HOST\n'
                   '                    value: %s\n                  - name: REDIS_PORT\n                    value: "%d"\n'
                   ) % (pname, ep[0], ep[1])
        elif route == 'cmkeyref':
            kz += ('configMapGenerator:\n  - name: %s\n    behavior: merge\n    literals:\n      - %s\n'
                   % ('%s-config' % app, q('REDIS_HOST=' + ep[0])))
            if ep[1] != eps['prod'][1]:
                kz += ('patches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n'
                       '        name: %s\n      spec:\n        template:\n          spec:\n            containers:\n'
                       '              - name: app\n                env:\n                  - name: REDIS_PORT\n'
                       '                    value: "%d"\n') % (pname, ep[1])
        elif route == 'secretref':
            pw = 'pw-%s-eu-%08x' % (app, r.getrandbits(32))
            self.passwords.append(pw)
            kz += ('secretGenerator:\n  - name: %s\n    behavior: merge\n    literals:\n      - %s\n'
                   % ('%s-redis' % app, q('url=%s://:%s@%s:%d/0' % (ep[2], pw, ep[0], ep[1]))))
        elif route == 'envfrom_envs':
            kz += ('configMapGenerator:\n  - name: %s\n    behavior: merge\n    literals:\n      - %s\n      - %s\n'
                   % ('%s-env' % app, q('REDIS_HOST=' + ep[0]), q('REDIS_PORT=%d' % ep[1])))
        self.w('%s/overlays/prod-eu/kustomization.yaml' % d, kz)
        cid = '%s/Deployment/eu-%s' % (ns, inner)
        if cid.replace('prod-eu', 'prod').replace('/eu-', '/') in self.lookalikes and route in ('env_url', 'split', 'envfrom_envs'):
            pass
        prod_cid = '%s-prod/Deployment/%s' % (team, inner)
        if self.routes.get(prod_cid, [''])[0] in ('lookalike-delete', 'lookalike-disabled'):
            # prod overlay deleted / disabled / replaced: eu inherits that
            self.look(cid, 'eu-inherits')
            self.eu_note.append(cid)
        else:
            self.add(cid, ep[3], route, 'nested-overlay')
        self.workloads += 1
        # what the prod overlay adds on its own (its single-file CronJob, a
        # postgres StatefulSet of the base) is deployed again under prod-eu
        pcron = '%s-prod/CronJob/%s%s-cleanup%s' % (team, ppfx, app, psfx)
        if pcron in self.consumers:
            self.add('%s/CronJob/eu-%s%s-cleanup%s' % (ns, ppfx, app, psfx), self.consumers[pcron][0],
                     'cron-single-file', 'nested-overlay')
            self.workloads += 1
        pdb = '%s-prod/StatefulSet/%s%s-db%s' % (team, ppfx, app, psfx)
        if pdb in self.routes:
            self.look('%s/StatefulSet/eu-%s%s-db%s' % (ns, ppfx, app, psfx), 'postgres-envfrom')

    def component(self, cdir, env):
        if cdir in self.made_comps:
            return
        self.made_comps.add(cdir)
        ep = self.comp_ep(env)
        self.w(cdir + '/kustomization.yaml',
               'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n'
               '  - target:\n      kind: Deployment\n      labelSelector: cache=enabled\n    patch: |-\n'
               '      - op: add\n        path: /spec/template/spec/containers/0/env/-\n'
               '        value:\n          name: CACHE_REDIS_URL\n          value: %s\n'
               % q('%s://%s:%d/2' % (ep[2], ep[0], ep[1])))

    def comp_ep(self, env):
        return self.endpoint(env, 'inst', self.inst[1])

    def comp_target(self, env):
        return self.comp_ep(env)[3]

    def run(self):
        self.made_comps = set()
        self.eu_note = []
        nteams = max(3, min(len(TEAMS_WORDS) * 4, self.n // 300))
        self.teams = ['%s%s' % (TEAMS_WORDS[k % len(TEAMS_WORDS)], '' if k < len(TEAMS_WORDS) else str(k // len(TEAMS_WORDS)))
                      for k in range(nteams)]
        self.infra()
        idx = 0
        while self.workloads < self.n:
            self.app(idx)
            idx += 1
        for env in ENVS:
            self.w('clusters/%s/kustomization.yaml' % env,
                   'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n' +
                   ''.join('  - %s\n' % x for x in self.cluster_lists[env]))
        self.w('README.md', '# platform gitops\n\nRedis instances live in infra/redis; apps reach them at '
               '`redis://sessions-redis.data-prod:6379`.\n')
        truth = {'consumers': self.consumers, 'lookalikes': self.lookalikes, 'routes': self.routes,
                 'resources': self.resources, 'passwords': self.passwords,
                 'stats': {'workloads': self.workloads, 'apps': idx}}
        with open(os.path.join(self.out, 'truth.json'), 'w') as f:
            json.dump(truth, f, indent=1, sort_keys=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--workloads', type=int, default=600)
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    Gen(a.out, a.workloads, a.seed).run()


if __name__ == '__main__':
    main()
