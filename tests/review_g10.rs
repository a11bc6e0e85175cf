//! Review G10: a tenth independent generator, the first on impact
//! verdicts (written from the user docs alone: every change of
//! docs/cli.md's rule table on trees with known verdicts), found these
//! wrong answers. Each test is one, on the files that showed it
//! (`tests/data/review-g10/`).

use crate::support::{consumers, json, resource};

fn dir(case: &str) -> String {
    format!("tests/data/review-g10/{case}")
}

/// `impact redis.cache <case> --set <change>` as JSON: the resource's
/// consumers with (verdict, reasons joined).
fn judged(case: &str, change: &str) -> Vec<(String, String, String)> {
    let doc = json(&["impact", "redis.cache", &dir(case), "--set", change]);
    let r = resource(&doc, "cache/redis");
    let verdicts = consumers(r, "verdict");
    let reasons = consumers(r, "reasons");
    verdicts
        .into_iter()
        .zip(reasons)
        .map(|((id, v), (_, why))| (id.rsplit('/').next().unwrap().to_string(), v, why))
        .collect()
}

fn verdicts(judged: &[(String, String, String)]) -> Vec<(&str, &str)> {
    judged
        .iter()
        .map(|(c, v, _)| (c.as_str(), v.as_str()))
        .collect()
}

/// `tls=disabled`: a consumer with a `rediss://…:6380` connection beside a
/// `redis://…:6379` one was `ok`, with no reason; its TLS connection fails
/// once the TLS port is gone, as the TLS-only consumer's does.
#[test]
fn tls_disabled_breaks_a_tls_connection_beside_a_plain_one() {
    let j = judged("tls-disabled-mixed-links-ok", "tls=disabled");
    assert_eq!(
        verdicts(&j),
        [("tlsonly", "breaks"), ("web", "breaks")],
        "{j:?}"
    );
    assert!(
        j[1].2.contains("uses TLS (`rediss://redis.cache:6380/1`) at tests/data/review-g10/tls-disabled-mixed-links-ok/app.yaml:16; switch to redis://redis.cache:6379"),
        "{j:?}"
    );
}

/// `tls=disabled`: an `ok` consumer had no reason at all; it now says why
/// it is unaffected, citing its line.
#[test]
fn tls_disabled_says_why_a_plain_consumer_is_ok() {
    let j = judged("tls-disabled-ok-without-reason", "tls=disabled");
    assert_eq!(verdicts(&j), [("web", "ok")], "{j:?}");
    assert!(
        j[0].2.contains("connects without TLS (redis://) at tests/data/review-g10/tls-disabled-ok-without-reason/app.yaml:14: unaffected"),
        "{j:?}"
    );
}

/// A user name alone (`REDIS_USERNAME=alice`, no password anywhere) was
/// taken as a credential: `auth=required` said "already authenticates as
/// user `alice`". `AUTH` needs a password: it breaks.
#[test]
fn a_user_name_alone_sends_no_password() {
    let j = judged("auth-username-without-password", "auth=required");
    let worker = j.iter().find(|(c, _, _)| c == "worker").unwrap();
    assert_eq!(worker.1, "breaks", "{j:?}");
    assert!(
        worker.2.contains("connects without a password at tests/data/review-g10/auth-username-without-password/app.yaml:14"),
        "{j:?}"
    );
}

/// A Secret outside the scan feeding `envFrom` may hold a password; a user
/// name written beside it made that suspicion a certainty (`ok` under
/// `auth=required`, `breaks` under `password=rotate`, and a reason spliced
/// from two sentences). Like the same consumer without the user name, it
/// is at risk under both.
#[test]
fn a_user_name_beside_a_suspected_secret_stays_suspected() {
    for change in ["auth=required", "password=rotate"] {
        let j = judged("suspected-secret-plus-username", change);
        assert_eq!(
            verdicts(&j),
            [("nouser", "at-risk"), ("worker", "at-risk")],
            "{change}: {j:?}"
        );
        assert!(
            !j[1].2.contains("already authenticates") && !j[1].2.contains("holds the password in"),
            "{change}: {j:?}"
        );
    }
    // The user name written wins over one the Secret may hold (`env`
    // over `envFrom`): removing another user leaves it alone.
    let j = judged("suspected-secret-plus-username", "acl-user-removed=alice");
    assert_eq!(
        verdicts(&j),
        [("nouser", "at-risk"), ("worker", "ok")],
        "{j:?}"
    );
}

/// `tls=required`: a `rediss://` link to a port the server does not serve
/// (6390; it serves 6379 and 6380) said "already uses TLS"; it fails today
/// or the scan misses a setting, as a port change says.
#[test]
fn tls_required_calls_a_link_to_an_unserved_port_at_risk() {
    let j = judged("tls-required-unserved-port-ok", "tls=required");
    assert_eq!(verdicts(&j), [("web", "at-risk")], "{j:?}");
    assert!(
        j[0].2.contains("names port 6390 at tests/data/review-g10/tls-required-unserved-port-ok/app.yaml:14, which cache/redis does not serve (it serves 6379 and 6380)"),
        "{j:?}"
    );
    assert!(!j[0].2.contains("already uses TLS"), "{j:?}");
}

/// `redis://alice@cache` (a lone name before `@`) was read as a password:
/// `auth=required` said "already authenticates with the password". Most
/// clients read a user name there (Lettuce a password): it may send none,
/// so it is at risk under `auth=required` and `password=rotate`, said as
/// such, and the name is still never printed.
#[test]
fn a_lone_name_before_the_at_sign_may_be_no_password() {
    for change in ["auth=required", "password=rotate"] {
        let j = judged("auth-username-without-password", change);
        let web = j.iter().find(|(c, _, _)| c == "web").unwrap();
        assert_eq!(web.1, "at-risk", "{change}: {j:?}");
        assert!(
            web.2.contains("the lone name before `@` in env REDIS_URL (the password to Lettuce; a user name to redis-py"),
            "{change}: {j:?}"
        );
        assert!(!web.2.contains("alice"), "{change}: {j:?}");
    }
    // The name is a user name to most clients: removing a user may be it.
    let j = judged("auth-username-without-password", "acl-user-removed=alice");
    let web = j.iter().find(|(c, _, _)| c == "web").unwrap();
    assert_eq!(web.1, "at-risk", "{j:?}");
    assert!(
        web.2.contains("a lone name before `@` at tests/data/review-g10/auth-username-without-password/app.yaml:33 is the user name to most clients")
            && !web.2.contains("no user name visible"),
        "{j:?}"
    );
}
