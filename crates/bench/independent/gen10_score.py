#!/usr/bin/env python3
"""score.py OUTDIR [--bin PATH] [--leak-every K]

Runs `fallout impact TARGET . --set K=V --format json` from OUTDIR/tree for each test of
OUTDIR/truth.json, compares verdicts per consumer, checks reasons, and greps every output
format for the generated passwords. Writes OUTDIR/score.json and prints the matrices.
"""
import argparse, collections, json, os, re, subprocess, sys

V = ["breaks", "at-risk", "ok", "missing"]


def run(binp, tree, args):
    p = subprocess.run(["nice", "-n", "10", binp] + args, cwd=tree, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def reason_checks(t, exp, got):
    """Returns list of problems with the reasons of one consumer."""
    probs = []
    reasons = " | ".join(got.get("reasons", []))
    key, val, v = t["key"], t["value"], got["verdict"]
    links = exp["links"]
    if not reasons.strip():
        probs.append("no reason")
    if key == "tls" and val == "required" and v == "breaks" and exp["verdict"] == "breaks":
        info = t["inst_info"]
        for l in links:
            if l["kind"] != "tcp" or l["server_port"] is None or l["tls"] == "yes":
                continue
            if info["tls"] is None:
                continue  # server serves no TLS port: no URL to name
            if l.get("scheme") == "redis":
                if "rediss://" not in reasons:
                    probs.append("tls reason names no rediss:// URL for %s" % l.get("url_line"))
                elif l.get("alias_kind") not in ("extname",) and ("rediss://" + l["host"]) not in reasons and l.get("svc_has_tls", True):
                    probs.append("tls reason does not name rediss://%s (the name written)" % l["host"])
            elif l.get("scheme") is None and l.get("port_line") and l.get("style") not in ("args_flag",):
                if l["port_line"] not in reasons:
                    probs.append("tls reason does not cite the port line %s" % l["port_line"])
    if key == "port" and v == "breaks" and exp["verdict"] == "breaks":
        for l in links:
            if l["kind"] == "tcp" and not l["via_service"] and l["server_port"] == t["inst_info"]["plain"]:
                if l.get("port_line"):
                    if l["port_line"] not in reasons:
                        probs.append("port reason does not cite the port line %s" % l["port_line"])
                elif "none written" not in reasons:
                    probs.append("port reason does not say 'the default port (none written)'")
    if key == "tls-port" and v == "breaks" and exp["verdict"] == "breaks":
        for l in links:
            if l["kind"] == "tcp" and not l["via_service"] and l["server_port"] == t["inst_info"]["tls"]:
                if l.get("port_line") and l["port_line"] not in reasons:
                    probs.append("tls-port reason does not cite the port line %s" % l["port_line"])
    if key == "auth" and v == "at-risk" and exp["note"] == "server already requires a password":
        want = t["inst_info"].get("pw_line") or t["inst_info"]["defined"]
        f_, l_ = want.rsplit(":", 1)
        if not any("%s:%d" % (f_, int(l_) + dd) in reasons for dd in (-1, 0)):
            probs.append("auth at-risk reason does not cite where the server requires a password (%s)" % want)
    return probs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--bin", default="target/release/fallout")
    ap.add_argument("--leak-every", type=int, default=4)
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)
    truth = json.load(open(os.path.join(a.outdir, "truth.json")))
    tree = os.path.join(a.outdir, "tree")
    pws = truth["passwords"]
    mats = collections.defaultdict(lambda: collections.Counter())
    mism = []
    reason_probs = []
    extras = []
    leaks = []
    errors = []
    linkprobs = []
    amb_count = collections.Counter()
    for ti, t in enumerate(truth["tests"]):
        ck = "%s=%s" % (t["key"], t["value"] if t["key"] not in ("host", "acl-user-removed", "port", "tls-port") else
                        {"host": "NEW" if "example" in t["value"] else ("EXTNAME-ALIAS" if "-cache." in t["value"] else "EXISTING-ALIAS")}.get(t["key"], t["value"]))
        args = ["impact", t["target"], ".", "--set", "%s=%s" % (t["key"], t["value"]), "--format", "json"]
        rc, out, err = run(a.bin, tree, args)
        if rc not in (0, 1):
            errors.append(dict(test=ck, target=t["target"], rc=rc, stderr=err[-2000:]))
            continue
        for pw in pws:
            if pw in out or pw in err:
                leaks.append(dict(test=ck, target=t["target"], fmt="json", pw=pw))
        d = json.loads(out)
        got = {}
        for r in d["resources"]:
            for c in r["consumers"]:
                got[c["id"]] = c
        exp = t["expected"]
        for cid, e in exp.items():
            g = got.get(cid)
            gv = g["verdict"] if g else "missing"
            if e["ambiguous"]:
                amb_count[(ck, e["verdict"], gv)] += 1
                continue
            mats[ck][(e["verdict"], gv)] += 1
            if gv != e["verdict"]:
                mism.append(dict(test=ck, target=t["target"], instance=t["instance"], consumer=cid,
                                 expected=e["verdict"], got=gv, note=e["note"], styles=e["styles"],
                                 reasons=g["reasons"] if g else None, links_truth=e["links"],
                                 links_got=g["links"] if g else None))
            if g and t["key"] == "decommission":
                for l in e["links"]:
                    if l["kind"] != "tcp" or not l.get("host"):
                        continue
                    hp = l["host"] + (":%d" % l["port"] if l.get("port") else "")
                    if len([y for y in e["links"] if y.get("host") == l["host"]]) > 1:
                        continue
                    cands = [x for x in g["links"] if hp in x["endpoint"] and
                             (l.get("port") or not re.search(re.escape(l["host"]) + r":\d", x["endpoint"]))]
                    if not cands:
                        linkprobs.append(dict(test=ck, consumer=cid, problem="link not found", link=hp, got=g["links"]))
                        continue
                    x = cands[0]
                    if x["tls"] != l["tls"] or (x["server_port"] != l["server_port"] and l["server_port"] is not None):
                        linkprobs.append(dict(test=ck, consumer=cid, problem="link tls/server_port differ",
                                              style=l.get("style"), alias=l.get("alias_kind"), link=hp,
                                              exp=[l["tls"], l["server_port"]], got=[x["tls"], x["server_port"]]))
            if g and gv == e["verdict"]:
                for p in reason_checks(t, e, g):
                    reason_probs.append(dict(test=ck, target=t["target"], consumer=cid, problem=p,
                                             reasons=g["reasons"], styles=e["styles"]))
        for cid, g in got.items():
            if cid not in exp:
                extras.append(dict(test=ck, target=t["target"], consumer=cid, verdict=g["verdict"],
                                   via=g.get("via"), evidence=g.get("evidence")[:2]))
        if ti % a.leak_every == 0:
            for fmt in ("table", "markdown", "sarif", "checklist"):
                rc, out2, err2 = run(a.bin, tree, ["impact", t["target"], ".", "--set", "%s=%s" % (t["key"], t["value"]),
                                                    "--format", fmt])
                for pw in pws:
                    if pw in out2 or pw in err2:
                        leaks.append(dict(test=ck, target=t["target"], fmt=fmt, pw=pw))
    # print
    res = dict(matrices={k: {"%s->%s" % kk: n for kk, n in v.items()} for k, v in mats.items()},
               mismatches=mism, reason_problems=reason_probs, extras=extras, leaks=leaks, errors=errors, link_problems=linkprobs,
               ambiguous={"%s|%s->%s" % k: n for k, n in amb_count.items()})
    json.dump(res, open(os.path.join(a.outdir, "score.json"), "w"), indent=1)
    bykey = collections.defaultdict(collections.Counter)
    for k, c in mats.items():
        bykey[k].update(c)
    tot_ok = tot = 0
    for k in sorted(bykey):
        c = bykey[k]
        n = sum(c.values()); good = sum(v for (e, g), v in c.items() if e == g)
        tot += n; tot_ok += good
        print("\n%s  (%d/%d agree)" % (k, good, n))
        print("  expected \\ got " + "".join("%9s" % x for x in V))
        for e in V[:3]:
            print("  %-15s" % e + "".join("%9d" % c[(e, g)] for g in V))
    print("\nTOTAL agree %d/%d; mismatches %d; reason problems %d; extras %d; leaks %d; errors %d; ambiguous skipped %d"
          % (tot_ok, tot, len(mism), len(reason_probs), len(extras), len(leaks), len(errors), sum(amb_count.values())))
    cls = collections.Counter((m["test"], m["instance"], m["expected"], m["got"], m["note"]) for m in mism)
    for k, n in cls.most_common(60):
        print("  %4d  %s" % (n, k))
    lc = collections.Counter((x["problem"], x.get("style"), x.get("alias"), str(x.get("exp")), str(x.get("got"))) for x in linkprobs)
    for k, n in lc.most_common(30):
        print("  L %4d  %s" % (n, k))
    rc = collections.Counter((r["test"], r["problem"].split(" for ")[0].split(" %s" % "")[0][:60]) for r in reason_probs)
    for k, n in rc.most_common(30):
        print("  R %4d  %s" % (n, k))


if __name__ == "__main__":
    main()
