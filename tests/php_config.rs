//! fixtures/nextcloud-php-config: Nextcloud's `config/config.php`, a PHP
//! array, mounted into two compose services.

use crate::support::{consumers, fallout, json, resource};

const FILE: &str = "fixtures/nextcloud-php-config/compose.yaml";
const PASSWORD: &str = "NextcloudRedisPw_6380";

/// `cron` sets no Redis variable: the mounted config.php alone makes it a
/// consumer of `redis:6380`, with the password present there.
#[test]
fn a_mounted_php_config_makes_its_service_a_consumer() {
    let doc = json(&["scan", "fixtures/nextcloud-php-config"]);
    let redis = resource(&doc, &format!("{FILE}#redis"));
    assert_eq!(
        consumers(redis, "id"),
        [
            (format!("{FILE}#app"), format!("{FILE}#app")),
            (format!("{FILE}#cron"), format!("{FILE}#cron")),
        ]
    );
    let cron = redis["consumers"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == format!("{FILE}#cron")))
        .expect("cron");
    assert_eq!(cron["strength"], "indirect");
    assert_eq!(cron["via"], serde_json::json!(["redis:6380"]));
    assert_eq!(
        cron["evidence"][0]["path"],
        "fixtures/nextcloud-php-config/config/config.php"
    );
    assert_eq!(cron["evidence"][0]["line"], 9);
    assert_eq!(
        cron["credentials"],
        serde_json::json!([
            "mounted ./config/config.php: CONFIG.redis.password at fixtures/nextcloud-php-config/config/config.php:11"
        ])
    );
    assert_eq!(doc["diagnostics"], serde_json::json!([]));

    // Requiring a password breaks nothing for cron: it sends one.
    let doc = json(&[
        "impact",
        "redis",
        "fixtures/nextcloud-php-config",
        "--set",
        "auth=required",
    ]);
    let redis = resource(&doc, &format!("{FILE}#redis"));
    assert!(consumers(redis, "verdict").contains(&(format!("{FILE}#cron"), "ok".to_string())));
    // Moving the port breaks both.
    let doc = json(&[
        "impact",
        "redis",
        "fixtures/nextcloud-php-config",
        "--set",
        "port=6379",
    ]);
    let redis = resource(&doc, &format!("{FILE}#redis"));
    assert_eq!(
        consumers(redis, "verdict"),
        [
            (format!("{FILE}#app"), "breaks".to_string()),
            (format!("{FILE}#cron"), "breaks".to_string()),
        ]
    );
}

/// The password in config.php (and on the server's command line) never
/// appears, in any format, of `scan` or `impact`.
#[test]
fn the_php_password_is_never_shown() {
    for format in [
        "table",
        "json",
        "markdown",
        "sarif",
        "checklist",
        "dot",
        "mermaid",
    ] {
        for args in [
            vec!["scan", "fixtures/nextcloud-php-config"],
            vec![
                "impact",
                "redis",
                "fixtures/nextcloud-php-config",
                "--set",
                "auth=required",
            ],
        ] {
            let mut args = args.clone();
            args.extend(["--format", format]);
            let run = fallout(&args);
            assert!(
                run.code == 0 || run.code == 1,
                "{args:?}: exit {}: {}",
                run.code,
                run.stderr
            );
            assert!(!run.stdout.is_empty(), "{args:?}: no output");
            assert!(
                !run.stdout.contains(PASSWORD) && !run.stderr.contains(PASSWORD),
                "{args:?} shows the password"
            );
            // The password was read (its place is shown), not missed.
            if format == "json" {
                assert!(
                    run.stdout.contains("CONFIG.redis.password at fixtures/nextcloud-php-config/config/config.php:11"),
                    "{args:?}: the password's place is not shown"
                );
            }
        }
    }
}

#[test]
fn snapshot_nextcloud_php_config_table() {
    let run = fallout(&[
        "impact",
        "redis",
        "fixtures/nextcloud-php-config",
        "--set",
        "auth=required",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("nextcloud_php_config_table", run.stdout);
}
