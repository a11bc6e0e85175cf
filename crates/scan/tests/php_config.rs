//! PHP config files read for their settings (Nextcloud, Laravel, Magento,
//! Drupal, WordPress): each framework's keys give the Redis it names, with
//! the password as a credential's place only; PHP code gives its URLs only.

mod common;

use common::{assert_no_secret, diagnostics, files, references};
use fallout_scan::projects::scan_projects;

const LARAVEL: &str = "<?php\n\nuse Illuminate\\Support\\Str;\n\nreturn [\n    'default' => env('DB_CONNECTION', 'mysql'),\n    'connections' => [\n        'mysql' => [\n            'host' => env('DB_HOST', '127.0.0.1'),\n            'port' => env('DB_PORT', '3306'),\n        ],\n    ],\n    'redis' => [\n        'client' => env('REDIS_CLIENT', 'phpredis'),\n        'options' => [\n            'cluster' => env('REDIS_CLUSTER', 'redis'),\n            'prefix' => env('REDIS_PREFIX', Str::slug(env('APP_NAME', 'laravel'), '_').'_database_'),\n        ],\n        'default' => [\n            'url' => env('REDIS_URL'),\n            'host' => env('REDIS_HOST', 'laravel-redis'),\n            'username' => env('REDIS_USERNAME'),\n            'password' => env('REDIS_PASSWORD', 'LaravelDefaultPw'),\n            'port' => env('REDIS_PORT', '6379'),\n            'database' => env('REDIS_DB', '0'),\n        ],\n    ],\n];\n";

const MAGENTO: &str = "<?php\nreturn [\n    'session' => [\n        'save' => 'redis',\n        'redis' => [\n            'host' => 'magento-sessions',\n            'port' => '6379',\n            'password' => 'MagentoSessionPw',\n            'database' => '2',\n        ],\n    ],\n    'cache' => [\n        'frontend' => [\n            'default' => [\n                'id_prefix' => '40d_',\n                'backend' => 'Magento\\\\Framework\\\\Cache\\\\Backend\\\\Redis',\n                'backend_options' => [\n                    'server' => 'magento-cache',\n                    'database' => '0',\n                    'port' => '6380',\n                ],\n            ],\n            'files' => [\n                'backend' => 'Cm_Cache_Backend_File',\n                'backend_options' => ['server' => 'files-store', 'port' => '6390'],\n            ],\n        ],\n    ],\n];\n";

const DRUPAL: &str = "<?php\n\n$databases['default']['default'] = [\n  'host' => 'mysql',\n  'port' => '3306',\n];\n$settings['hash_salt'] = file_get_contents('/run/secrets/salt');\nif (extension_loaded('redis')) {\n  $settings['redis.connection']['interface'] = 'PhpRedis';\n  $settings['redis.connection']['host'] = 'drupal-redis';\n  $settings['redis.connection']['port'] = 6379;\n  $settings['redis.connection']['password'] = 'DrupalRedisPw';\n  $settings['cache']['default'] = 'cache.backend.redis';\n}\n";

const WORDPRESS: &str = "<?php\ndefine( 'DB_NAME', 'wordpress' );\ndefine( 'DB_HOST', 'mysql' );\ndefine( 'WP_REDIS_HOST', 'wp-redis' );\ndefine( 'WP_REDIS_PORT', 6380 );\ndefine( 'WP_REDIS_PASSWORD', 'WpRedisPw' );\ndefine( 'WP_REDIS_SCHEME', 'tls' );\n$table_prefix = 'wp_';\nif ( ! defined( 'ABSPATH' ) ) {\n\tdefine( 'ABSPATH', __DIR__ . '/' );\n}\nrequire_once ABSPATH . 'wp-settings.php';\n";

/// A class: code, so only its URL counts (as before).
const CODE: &str = "<?php\nnamespace App;\n\nclass Queue\n{\n    private $host = 'code-redis';\n    public function url(): string\n    {\n        return 'redis://code-redis.internal:6379/3';\n    }\n}\n";

#[test]
fn php_framework_configs_name_their_redis() {
    let s = scan_projects(&files(&[
        ("laravel/composer.json", "{}"),
        ("laravel/config/database.php", LARAVEL),
        ("magento/composer.json", "{}"),
        ("magento/app/etc/env.php", MAGENTO),
        ("drupal/composer.json", "{}"),
        ("drupal/web/sites/default/settings.php", DRUPAL),
        ("wordpress/wp-config.php", WORDPRESS),
        ("queue/composer.json", "{}"),
        ("queue/src/Queue.php", CODE),
    ]));
    assert_eq!(
        references(&s),
        [
            "app:drupal -> drupal-redis:6379 tls=unknown explicit drupal/web/sites/default/settings.php:10 | settings.redis.connection.host + settings.redis.connection.port = drupal-redis:6379 [credential drupal/web/sites/default/settings.php:12]",
            // no environment is known for an app: the default, inferred
            "app:laravel -> laravel-redis:6379 db=0 tls=unknown inferred laravel/config/database.php:21 | redis.default.host (default of REDIS_HOST) + redis.default.port = laravel-redis:6379 [credential laravel/config/database.php:23]",
            // the Redis backend's options, not the file backend's
            "app:magento -> magento-cache:6380 db=0 tls=unknown explicit magento/app/etc/env.php:18 | cache.frontend.default.backend_options.server + redis.cache.frontend.default.backend.options.port = magento-cache:6380",
            "app:magento -> magento-sessions:6379 db=2 tls=unknown explicit magento/app/etc/env.php:6 | session.redis.host + session.redis.port = magento-sessions:6379 [credential magento/app/etc/env.php:8]",
            "app:queue -> code-redis.internal:6379 db=3 tls=no explicit queue/src/Queue.php:9 | URL = redis://code-redis.internal:6379/3",
            // WP_REDIS_SCHEME=tls is the TLS flag
            "app:wordpress -> wp-redis:6380 tls=yes explicit wordpress/wp-config.php:4 | WP_REDIS_HOST + WP_REDIS_PORT = wp-redis:6380 [credential wordpress/wp-config.php:6]",
        ]
    );
    assert!(diagnostics(&s).is_empty(), "{:?}", diagnostics(&s));
    assert_no_secret(
        &s,
        &[
            "LaravelDefaultPw",
            "MagentoSessionPw",
            "DrupalRedisPw",
            "WpRedisPw",
        ],
    );
}

/// A config-shaped PHP file that does not parse is a `php-parse` error at
/// its line; its Redis URLs are still read.
#[test]
fn broken_php_config_is_reported_and_read_as_text() {
    let s = scan_projects(&files(&[
        ("cloud/Dockerfile", "FROM nextcloud"),
        (
            "cloud/config/config.php",
            "<?php\n$CONFIG = array (\n  'redis' => array(\n    'host' => 'redis',\n    'password' => 'BrokenPw',\n  ),\n  'x' => 'redis://fallback-redis:6379',\n",
        ),
    ]));
    assert_eq!(
        diagnostics(&s),
        ["error php-parse cloud/config/config.php:2"]
    );
    assert_eq!(
        references(&s),
        ["app:cloud -> fallback-redis:6379 tls=no explicit cloud/config/config.php:7 | URL = redis://fallback-redis:6379"]
    );
    assert_no_secret(&s, &["BrokenPw"]);
}
