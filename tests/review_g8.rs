//! Review G8: an eighth independent generator, on docker-compose monorepos
//! and the config files of their applications, found these wrong answers.
//! Each test is one, on the files that showed it (`tests/data/review-g8/`).

use crate::support::{consumers, fallout, ids, json, resource, tree};

fn dir(case: &str) -> String {
    format!("tests/data/review-g8/{case}")
}

/// `COMPOSE_FILE` in the project's `.env` makes `docker compose` load the
/// files it names as one project: the apps in `docker-compose.yml` reach
/// the Redis of `docker-compose.redis.yml` by its service name and its
/// `container_name`. The Redis was read as a project of its own with no
/// consumers, and the apps linked to two invented external resources.
#[test]
fn compose_file_in_dotenv_makes_one_project() {
    let case = dir("compose-file-in-dotenv");
    let doc = json(&["scan", &case]);
    let cache = format!("{case}/docker-compose.yml#cache");
    assert_eq!(ids(&doc), std::slice::from_ref(&cache), "{doc:#}");
    assert_eq!(
        consumers(resource(&doc, &cache), "via"),
        [
            (
                format!("{case}/docker-compose.yml#api"),
                r#"["cache-primary:6380"]"#.to_string()
            ),
            (
                format!("{case}/docker-compose.yml#web"),
                r#"["cache:6380"]"#.to_string()
            )
        ]
    );
}

/// A file `COMPOSE_FILE` names that is not in the tree is said, at the
/// `.env` line, with what to do; `COMPOSE_PATH_SEPARATOR` is honoured.
#[test]
fn compose_file_naming_a_missing_file_is_reported() {
    let t = tree(&[
        (
            "shop/.env",
            "# which files make the project\nCOMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=compose.yaml;../shared/redis.yaml\n",
        ),
        (
            "shop/compose.yaml",
            "services:\n  web:\n    image: acme/web\n    environment:\n      REDIS_URL: redis://cache:6379\n",
        ),
    ]);
    let run = fallout(&["scan", t.path().to_str().unwrap()]);
    for part in [
        "shop/.env:3: COMPOSE_FILE names ",
        "shared/redis.yaml, which is not among the compose files scanned",
    ] {
        assert!(run.stdout.contains(part), "{part}: {}", run.stdout);
    }
    assert!(
        run.stdout.contains("[compose-file-missing]"),
        "{}",
        run.stdout
    );
}

/// `JAVA_OPTS` flags and `SPRING_APPLICATION_JSON` in a compose service's
/// `environment` are settings, as they are in a Kubernetes container's env:
/// only the plain `SPRING_DATA_REDIS_HOST` was read.
#[test]
fn settings_inside_compose_variables_are_read() {
    let case = dir("compose-opts-and-spring-json");
    let doc = json(&["scan", &case]);
    let kv = resource(&doc, &format!("{case}/docker-compose.yml#kv"));
    let found: Vec<String> = consumers(kv, "strength")
        .into_iter()
        .map(|(id, strength)| format!("{} {strength}", id.rsplit('#').next().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            "a-boot2-opts explicit",
            "b-boot3-opts explicit",
            "c-boot3-opts-hostonly explicit",
            "d-json-boot2 explicit",
            "e-json-boot3 explicit",
            "f-json-boot3-dotted explicit",
            "g-env-boot3 explicit"
        ]
    );
}

/// A Redis-named setting naming a service of the project that runs nginx,
/// on port 80, is no Redis (as for a Kubernetes Service): a `not-a-redis`
/// note and no link. With no port written the name may still be a Redis
/// whose image the scan does not know: an `inferred` lead that says what
/// the service runs, no longer `explicit`.
#[test]
fn a_project_service_that_runs_no_redis_is_not_one() {
    let case = dir("compose-non-redis-service-as-redis");
    let doc = json(&["scan", &case]);
    let docs = resource(&doc, &format!("{case}/compose.yaml#redis-docs"));
    assert_eq!(
        consumers(docs, "strength"),
        [(
            format!("{case}/compose.yaml#a-host"),
            "inferred".to_string()
        )]
    );
    let detail = docs["consumers"][0]["evidence"][0]["detail"].to_string();
    assert!(
        detail.contains("runs nginx:1.27-alpine, not a Redis image"),
        "{detail}"
    );
    let notes = doc["diagnostics"].to_string();
    assert!(
        notes.contains("names redis-docs, a service of the project that runs no Redis, on port 80"),
        "{notes}"
    );
}
