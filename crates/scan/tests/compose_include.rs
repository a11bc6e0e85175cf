//! Compose `include:` (v2.20+): an included file's services join the
//! including project, so its services reach them by name. Each test was
//! written to fail on the scanner that did not follow `include:`.

mod common;

use common::{diagnostics, files, fixture, load, reference_scopes, references, servers, workloads};
use fallout_scan::projects::scan_projects;

#[test]
fn the_fixture_resolves_included_servers_within_the_including_project() {
    let s = scan_projects(&load(&fixture("compose-include")));
    // Neither included file is a project of its own: every service is one
    // of compose.yaml's.
    assert_eq!(
        workloads(&s),
        [
            "compose.yaml#api",
            "compose.yaml#jobs",
            "compose.yaml#valkey",
            "compose.yaml#worker",
        ]
    );
    // `jobs` listens on the port its include's env_file sets.
    assert_eq!(
        servers(&s),
        [
            "compose.yaml#jobs port=6390 tls-port=- auth=false aliases=jobs",
            "compose.yaml#valkey port=6379 tls-port=- auth=true aliases=valkey",
        ]
    );
    assert_eq!(
        references(&s),
        [
            "compose.yaml#api -> valkey:6379 db=0 tls=no explicit compose.yaml:10 | env REDIS_URL = redis://:***@valkey:6379/0 [credential compose.yaml:10]",
            "compose.yaml#worker -> jobs:6390 tls=unknown explicit compose.yaml:15 | env JOBS_REDIS_HOST + JOBS_REDIS_PORT = jobs:6390",
        ]
    );
    assert_eq!(
        reference_scopes(&s),
        [
            "compose.yaml#api in compose:compose.yaml",
            "compose.yaml#worker in compose:compose.yaml",
        ]
    );
    assert!(diagnostics(&s).is_empty(), "{:?}", diagnostics(&s));
}

#[test]
fn short_form_include_joins_the_project() {
    let s = scan_projects(&files(&[
        (
            "compose.yaml",
            "include:\n  - infra/redis.compose.yaml\nservices:\n  api:\n    image: acme/api\n    environment: { REDIS_URL: \"redis://valkey:6379/0\" }\n",
        ),
        (
            "infra/redis.compose.yaml",
            "services:\n  valkey:\n    image: valkey/valkey:8\n    command: [\"valkey-server\", \"--requirepass\", \"IncludePw_4545\"]\n",
        ),
    ]));
    assert_eq!(
        servers(&s),
        ["compose.yaml#valkey port=6379 tls-port=- auth=true aliases=valkey"]
    );
    assert_eq!(workloads(&s), ["compose.yaml#api", "compose.yaml#valkey"]);
    assert_eq!(
        reference_scopes(&s),
        ["compose.yaml#api in compose:compose.yaml"]
    );
    assert!(diagnostics(&s).is_empty(), "{:?}", diagnostics(&s));
    common::assert_no_secret(&s, &["IncludePw_4545"]);
}

/// `project_directory` is where the included file's relative paths point;
/// a `path:` list is merged like `-f a -f b`; an included file's own
/// include is followed, relative to that file.
#[test]
fn long_form_with_project_directory_and_a_list_of_files() {
    let s = scan_projects(&files(&[
        (
            "compose.yaml",
            "services:\n  cache:\n    image: redis:7\ninclude:\n  - path: [compose/web.yaml, compose/web.debug.yaml]\n    project_directory: apps/web\n",
        ),
        (
            "compose/web.yaml",
            "include:\n  - ../more/sessions.yaml\nservices:\n  web:\n    image: acme/web\n    env_file: web.env\n",
        ),
        (
            "compose/web.debug.yaml",
            "services:\n  web:\n    environment:\n      SESSION_REDIS_URL: redis://sessions:6379\n",
        ),
        ("apps/web/web.env", "REDIS_HOST=cache\nREDIS_PORT=6379\n"),
        (
            "more/sessions.yaml",
            "services:\n  sessions:\n    image: valkey/valkey:8\n",
        ),
    ]));
    assert_eq!(
        workloads(&s),
        [
            "compose.yaml#cache",
            "compose.yaml#sessions",
            "compose.yaml#web"
        ]
    );
    assert_eq!(
        references(&s),
        [
            "compose.yaml#web -> cache:6379 tls=unknown indirect apps/web/web.env:1 | env_file web.env: REDIS_HOST + REDIS_PORT = cache:6379",
            "compose.yaml#web -> sessions:6379 tls=no explicit compose/web.debug.yaml:4 | env SESSION_REDIS_URL = redis://sessions:6379",
        ]
    );
    assert!(diagnostics(&s).is_empty(), "{:?}", diagnostics(&s));
}

#[test]
fn an_include_that_is_not_in_the_tree_is_a_warning_at_its_line() {
    let s = scan_projects(&files(&[(
        "compose.yaml",
        "include:\n  - infra/redis.compose.yaml\n  - path: oci://registry.example/redis-stack:1\n  - /srv/shared/redis.yaml\nservices:\n  api:\n    image: acme/api\n    environment: { REDIS_URL: \"redis://valkey:6379/0\" }\n",
    )]));
    assert_eq!(
        diagnostics(&s),
        [
            "warning compose-include-missing compose.yaml:2",
            "warning compose-include-missing compose.yaml:3",
            "warning compose-include-missing compose.yaml:4",
        ]
    );
    let messages: Vec<String> = s.diagnostics.iter().map(|d| d.message.clone()).collect();
    assert!(
        messages[0].contains("`infra/redis.compose.yaml`")
            && messages[0].contains("scan the folder that holds it too"),
        "{messages:?}"
    );
    assert!(messages[1].contains("remote project"), "{messages:?}");
}

#[test]
fn an_include_cycle_stops_with_a_warning() {
    let s = scan_projects(&files(&[
        (
            "compose.yaml",
            "include:\n  - a.yaml\nservices:\n  api:\n    image: acme/api\n    environment: { REDIS_URL: \"redis://cache:6379\" }\n",
        ),
        (
            "a.yaml",
            "include:\n  - b.yaml\nservices:\n  cache:\n    image: redis:7\n",
        ),
        (
            "b.yaml",
            "include:\n  - a.yaml\n  - ./compose.yaml\nservices:\n  other:\n    image: acme/other\n",
        ),
    ]));
    assert_eq!(
        workloads(&s),
        [
            "compose.yaml#api",
            "compose.yaml#cache",
            "compose.yaml#other"
        ]
    );
    assert_eq!(
        diagnostics(&s),
        [
            "warning compose-include-cycle b.yaml:2",
            "warning compose-include-cycle b.yaml:3",
        ]
    );
    assert_eq!(
        reference_scopes(&s),
        ["compose.yaml#api in compose:compose.yaml"]
    );
}

/// `infra/compose.yaml` is run alone too (`docker compose up` in infra/):
/// it stays a project of its own, and the include says so.
#[test]
fn a_file_both_included_and_run_alone_is_two_projects_said_once() {
    let s = scan_projects(&files(&[
        (
            "compose.yaml",
            "include:\n  - infra/compose.yaml\nservices:\n  api:\n    image: acme/api\n    environment: { REDIS_URL: \"redis://valkey:6379/0\" }\n",
        ),
        (
            "infra/compose.yaml",
            "services:\n  valkey:\n    image: valkey/valkey:8\n",
        ),
    ]));
    assert_eq!(
        workloads(&s),
        [
            "compose.yaml#api",
            "compose.yaml#valkey",
            "infra/compose.yaml#valkey",
        ]
    );
    assert_eq!(
        diagnostics(&s),
        ["info compose-include-also-project compose.yaml:2"]
    );
}
