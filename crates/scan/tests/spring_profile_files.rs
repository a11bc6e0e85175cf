//! Spring profile files: `application-prod.yml` holds only when profile
//! `prod` is active, as a `---` document with `on-profile: prod` does.
//! It was read as the app's settings, so a dev or prod Redis that the run
//! does not use was an explicit consumer link.

mod common;

use common::{files, references};
use fallout_scan::config::profile_file;
use fallout_scan::k8s::Options;
use fallout_scan::projects::scan_projects;
use fallout_scan::scan_files;

const BASE: &str = "spring:\n  data:\n    redis:\n      host: localhost\n";
const PROD: &str = "spring:\n  data:\n    redis:\n      host: orders-cache.prod.internal\n      port: 6380\n      ssl:\n        enabled: true\n";
const DEV: &str = "spring.data.redis.host=dev-redis\n";

#[test]
fn profile_file_names() {
    for (path, profile) in [
        ("src/main/resources/application-prod.yml", Some("prod")),
        ("config/application-eu-west.yaml", Some("eu-west")),
        ("bootstrap-dev.properties", Some("dev")),
        ("application.yml", None),
        ("application-.yml", None),
        ("application-prod.json", None),
        ("my-application-prod.yml", None),
        (
            "src/Basket.Api/appsettings.Production.json",
            Some("Production"),
        ),
        ("appsettings.json", None),
    ] {
        assert_eq!(profile_file(path), profile, "{path}");
    }
}

#[test]
fn profile_files_of_unknown_activation_are_inferred_and_named() {
    let s = scan_projects(&files(&[
        ("orders/pom.xml", "<project/>\n"),
        ("orders/src/main/resources/application.yml", BASE),
        ("orders/src/main/resources/application-prod.yml", PROD),
        ("orders/src/main/resources/application-dev.properties", DEV),
    ]));
    assert_eq!(
        references(&s),
        [
            "app:orders -> dev-redis:6379 tls=unknown inferred orders/src/main/resources/application-dev.properties:1 | spring.data.redis.host (in the document for profile dev: whether it is active is not known) = dev-redis",
            "app:orders -> localhost:6379 tls=unknown explicit orders/src/main/resources/application.yml:4 | spring.data.redis.host = localhost",
            "app:orders -> orders-cache.prod.internal:6380 tls=yes inferred orders/src/main/resources/application-prod.yml:4 | spring.data.redis.host (in the document for profile prod: whether it is active is not known) + spring.data.redis.port = orders-cache.prod.internal:6380",
        ]
    );
}

#[test]
fn the_active_profile_keeps_its_file_and_drops_the_others() {
    let indent = |text: &str| {
        text.lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    };
    let manifest = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: orders-config, namespace: shop}}\ndata:\n  application-prod.yml: |\n{}  application-dev.properties: |\n{}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: orders, namespace: shop}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: orders\n          image: shop/orders:1\n          env:\n            - {{name: SPRING_PROFILES_ACTIVE, value: prod}}\n          volumeMounts:\n            - {{name: config, mountPath: /app/config}}\n      volumes:\n        - name: config\n          configMap: {{name: orders-config}}\n",
        indent(PROD),
        indent(DEV)
    );
    let s = scan_files(
        &files(&[("deploy/orders.yaml", &manifest)]),
        Vec::new(),
        &Options::default(),
    );
    let refs = references(&s);
    assert_eq!(refs.len(), 1, "{refs:#?}");
    assert!(
        refs[0].starts_with("shop/Deployment/orders -> orders-cache.prod.internal:6380 tls=yes indirect deploy/orders.yaml:9 |"),
        "{refs:#?}"
    );
}

/// Quarkus' `%dev.` / `%prod.` keys (scenario review #2 H1): read apart per
/// profile, laid over under `QUARKUS_PROFILE`; the staging Redis of a
/// prod run was a consumer that "breaks" on its decommission.
#[test]
fn quarkus_profile_keys_hold_for_their_profile() {
    let props = "quarkus.redis.hosts=redis://redis-dev.shop:6379\n%prod.quarkus.redis.hosts=rediss://redis-prod.cache:6380\n%staging.quarkus.redis.hosts=redis://redis-staging.cache:6379\n";
    let s = scan_projects(&files(&[
        ("greeting/pom.xml", "<project/>\n"),
        ("greeting/src/main/resources/application.properties", props),
    ]));
    assert_eq!(
        references(&s),
        [
            "app:greeting -> redis-dev.shop:6379 tls=no explicit greeting/src/main/resources/application.properties:1 | quarkus.redis.hosts = redis://redis-dev.shop:6379",
            "app:greeting -> redis-prod.cache:6380 tls=yes inferred greeting/src/main/resources/application.properties:2 | quarkus.redis.hosts (in the document for profile prod: whether it is active is not known) = rediss://redis-prod.cache:6380",
            "app:greeting -> redis-staging.cache:6379 tls=no inferred greeting/src/main/resources/application.properties:3 | quarkus.redis.hosts (in the document for profile staging: whether it is active is not known) = redis://redis-staging.cache:6379",
        ]
    );
    let indent = |text: &str| {
        text.lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    };
    let manifest = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: greeting-config, namespace: shop}}\ndata:\n  application.properties: |\n{}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: greeting, namespace: shop}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: greeting\n          image: shop/greeting:1\n          env:\n            - {{name: QUARKUS_PROFILE, value: prod}}\n          volumeMounts:\n            - {{name: config, mountPath: /deployments/config}}\n      volumes:\n        - name: config\n          configMap: {{name: greeting-config}}\n",
        indent(props)
    );
    let s = scan_files(
        &files(&[("deploy/greeting.yaml", &manifest)]),
        Vec::new(),
        &Options::default(),
    );
    let refs = references(&s);
    assert_eq!(refs.len(), 1, "{refs:#?}");
    assert!(
        refs[0].starts_with("shop/Deployment/greeting -> redis-prod.cache:6380 tls=yes indirect deploy/greeting.yaml:7 |"),
        "{refs:#?}"
    );
}

/// ASP.NET Core's `appsettings.{Environment}.json` (scenario review #2
/// H2): read only under that `ASPNETCORE_ENVIRONMENT` (case aside), laid
/// over `appsettings.json`.
#[test]
fn dotnet_environment_files_hold_for_their_environment() {
    let base = "{\"ConnectionStrings\": {\"Redis\": \"redis-prod.cache:6379\"}}\n";
    let staging = "{\"ConnectionStrings\": {\"Redis\": \"redis-staging.cache:6379\"}}\n";
    let compose = "services:\n  basket:\n    image: shop/basket:1\n    environment:\n      ASPNETCORE_ENVIRONMENT: Production\n    volumes:\n      - ./basket/appsettings.json:/app/appsettings.json\n      - ./basket/appsettings.Staging.json:/app/appsettings.Staging.json\n";
    let s = scan_projects(&files(&[
        ("docker-compose.yml", compose),
        ("basket/appsettings.json", base),
        ("basket/appsettings.Staging.json", staging),
    ]));
    let refs = references(&s);
    assert!(
        refs.iter().all(|r| !r.contains("redis-staging")),
        "{refs:#?}"
    );
    assert!(
        refs.iter().any(|r| r.contains("-> redis-prod.cache:6379")),
        "{refs:#?}"
    );
}

/// ASP.NET Core runs as `Production` when no variable names an
/// environment: `appsettings.Production.json` holds then (it had become
/// inferred with the environment files); `appsettings.Development.json`
/// stays inferred.
#[test]
fn dotnet_production_is_the_default_environment() {
    let prod = "{\"ConnectionStrings\": {\"Redis\": \"redis-prod.cache:6380,ssl=true,abortConnect=false\"}}\n";
    let dev = "{\"ConnectionStrings\": {\"Redis\": \"localhost:6379\"}}\n";
    let s = scan_projects(&files(&[
        ("orders/orders.csproj", "<Project/>\n"),
        ("orders/appsettings.Production.json", prod),
        ("orders/appsettings.Development.json", dev),
    ]));
    let refs = references(&s);
    assert!(
        refs.iter().any(|r| r.contains(
            "-> redis-prod.cache:6380 tls=yes explicit orders/appsettings.Production.json:1"
        )),
        "{refs:#?}"
    );
    // Another environment's file may hold where the environment is set
    // out of sight: inferred, not dropped.
    assert!(
        refs.iter().any(|r| r.contains(
            "-> localhost:6379 tls=unknown inferred orders/appsettings.Development.json:1"
        )),
        "{refs:#?}"
    );
}

/// Each file is judged by its own framework's variable (code review): a
/// container that sets Spring's and ASP.NET Core's both, and ASP.NET
/// Core's `ASPNETCORE_ENVIRONMENT` before `DOTNET_ENVIRONMENT`.
#[test]
fn each_file_reads_its_own_frameworks_profile_variable() {
    let staging =
        "{\"ConnectionStrings\": {\"Redis\": \"redis-staging.cache:6379,abortConnect=false\"}}\n";
    let prod_yml = "spring:\n  data:\n    redis:\n      host: spring-prod.cache\n";
    let compose = "services:\n  app:\n    image: shop/app:1\n    environment:\n      SPRING_PROFILES_ACTIVE: prod\n      ASPNETCORE_ENVIRONMENT: Staging\n      DOTNET_ENVIRONMENT: Production\n    volumes:\n      - ./app/appsettings.Staging.json:/app/appsettings.Staging.json\n      - ./app/application-prod.yml:/app/application-prod.yml\n";
    let s = scan_projects(&files(&[
        ("docker-compose.yml", compose),
        ("app/appsettings.Staging.json", staging),
        ("app/application-prod.yml", prod_yml),
    ]));
    let refs = references(&s);
    assert!(
        refs.iter()
            .any(|r| r.contains("-> redis-staging.cache:6379 ") && r.contains(" indirect ")),
        "{refs:#?}"
    );
    assert!(
        refs.iter()
            .any(|r| r.contains("-> spring-prod.cache:6379 ") && r.contains(" indirect ")),
        "{refs:#?}"
    );
}
