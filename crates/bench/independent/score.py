#!/usr/bin/env python3
"""Score fallout's `scan --format json` output against gen.py's truth.

usage: score.py OUT.json TRUTH.json [--show N]

A truth link (consumer C -> target T) is found when some resource R of the
output lists C among its consumers and T equals R's id, name or one of its
aliases. An output pair (R, C) is correct when C is a truth consumer and one
of its targets names R. Everything else in the output is a false positive.
"""
import collections
import json
import sys


def names_of(r):
    s = {r.get('id'), r.get('name')}
    s.update(r.get('aliases') or [])
    s.discard(None)
    return s


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    show = 15
    if '--show' in sys.argv:
        show = int(sys.argv[sys.argv.index('--show') + 1])
        args = [a for a in args if a != str(show)]
    out = json.load(open(args[0]))
    truth = json.load(open(args[1]))
    tc = {k: set(v) for k, v in truth['consumers'].items()}
    routes = truth.get('routes', {})
    lookalikes = set(truth.get('lookalikes', []))
    res = out.get('resources', [])

    # consumer -> list of (resource, consumer entry)
    by_consumer = collections.defaultdict(list)
    for r in res:
        for c in r.get('consumers') or []:
            by_consumer[c['id']].append((r, c))

    # recall
    misses = []
    found = 0
    for cid, targets in tc.items():
        for t in targets:
            if any(t in names_of(r) for r, _ in by_consumer.get(cid, [])):
                found += 1
            else:
                misses.append((cid, t))
    nlinks = sum(len(v) for v in tc.values())

    # precision
    fps = []
    correct = 0
    total = 0
    for cid, pairs in by_consumer.items():
        for r, c in pairs:
            total += 1
            targets = tc.get(cid, set())
            if targets & names_of(r):
                correct += 1
            else:
                fps.append((cid, r, c))

    print(f'truth: {len(tc)} consumers, {nlinks} links; output: {len(by_consumer)} consumers, {total} (resource, consumer) pairs')
    print(f'recall    {found}/{nlinks} = {found / max(1, nlinks):.4f}')
    print(f'precision {correct}/{total} = {correct / max(1, total):.4f}')
    strong_fp = [f for f in fps if f[2].get('strength') not in ('inferred', 'documented')]
    print(f'false positives: {len(fps)} ({len(strong_fp)} with explicit/indirect evidence, '
          f'{len(fps) - len(strong_fp)} inferred/documented only)')
    cons_found = sum(1 for cid in tc if cid in by_consumer)
    print(f'consumers recall {cons_found}/{len(tc)}; lookalikes reported: '
          f'{sum(1 for l in lookalikes if l in by_consumer)}/{len(lookalikes)}')

    # misses grouped by route (per link when the truth has link_routes)
    lr = truth.get('link_routes', {})

    def link_tags(cid, t):
        if cid in lr and t in lr[cid]:
            return lr[cid][t]
        return routes.get(cid, ['?'])
    miss_by_route = collections.Counter()
    for cid, t in misses:
        for rt in link_tags(cid, t):
            miss_by_route[rt] += 1
    all_by_route = collections.Counter()
    for cid in tc:
        for t in tc[cid]:
            for rt in link_tags(cid, t):
                all_by_route[rt] += 1
    if '--routes' in sys.argv:
        print('\nlinks per route tag (missed / total):')
        for rt, n in sorted(all_by_route.items()):
            print(f'  {rt:34s} {miss_by_route.get(rt, 0):6d} / {n}')
    if misses:
        print('\nmisses by route tag of the missed link (a link has several tags):')
        for rt, n in miss_by_route.most_common():
            print(f'  {rt:34s} {n:6d} / {all_by_route[rt]}')
        print(f'\nfirst {show} misses:')
        for cid, t in misses[:show]:
            got = [(r['id'], c.get('strength')) for r, c in by_consumer.get(cid, [])]
            print(f'  {cid} -> {t}   link={link_tags(cid, t)}  fallout gave {got}')
    if fps:
        fp_kind = collections.Counter()
        for cid, r, c in fps:
            if cid in tc:
                k = 'known consumer, wrong resource'
            elif cid in lookalikes:
                k = 'lookalike: ' + ','.join(x for x in routes.get(cid, ['plain']) if x.startswith('lookalike')) if routes.get(cid) else 'plain non-consumer'
            else:
                k = 'not a workload in truth'
            fp_kind[(k, c.get('strength'))] += 1
        print('\nfalse positives by class:')
        for (k, s), n in fp_kind.most_common():
            print(f'  {k:45s} {s:10s} {n:6d}')
        print(f'\nfirst {show} false positives:')
        for cid, r, c in fps[:show]:
            ev = c.get('evidence') or []
            ev = [e if isinstance(e, str) else json.dumps(e)[:300] for e in ev[:2]]
            print(f'  {cid} -> {r["id"]} [{c.get("strength")}] truth={sorted(tc.get(cid, []))} routes={routes.get(cid)}')
            for e in ev:
                print(f'      {e}')

    # resources
    exp = set(truth.get('resources', {}))
    out_names = {}
    for r in res:
        for n in names_of(r):
            out_names.setdefault(n, r['id'])
    missing_res = sorted(e for e in exp if e not in out_names)
    exp_match = set()
    for r in res:
        if names_of(r) & exp:
            exp_match.add(r['id'])
    spurious = sorted(r['id'] for r in res if r['id'] not in exp_match)
    print(f'\nresources: expected {len(exp)}, output {len(res)}, expected-not-found {len(missing_res)}, output-not-expected {len(spurious)}')
    for e in missing_res[:show]:
        print(f'  missing resource {e}')
    nonres = set(truth.get('non_resources', []))
    for s in spurious[:show]:
        r = [x for x in res if x['id'] == s][0]
        tag = ' (listed as NOT a server in truth)' if s in nonres else ''
        print(f'  unexpected resource {s}{tag} consumers={len(r.get("consumers") or [])}')

    diags = out.get('diagnostics', [])
    if diags:
        cnt = collections.Counter((d.get('severity'), d.get('code')) for d in diags)
        print('\ndiagnostics:')
        for (sev, code), n in cnt.most_common():
            print(f'  {sev} {code}: {n}')


if __name__ == '__main__':
    main()
