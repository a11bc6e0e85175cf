//! Environment-keyed YAML (Rails `config/cable.yml`, `config/redis.yml`):
//! the app reads the block of its own environment. A `development:` block's
//! `redis://localhost` was an explicit link of the deployed app (scenario
//! review M4); it is now inferred and named, and `production:` is as
//! written.

mod common;

use common::{files, references};
use fallout_scan::projects::scan_projects;

#[test]
fn development_and_test_blocks_are_inferred_and_named() {
    let cable = "development:\n  adapter: redis\n  url: redis://localhost:6379/1\n\ntest:\n  adapter: redis\n  url: redis://localhost:6379/9\n\nproduction:\n  adapter: redis\n  url: redis://chat-redis:6379/1\n  channel_prefix: chat_production\n";
    let s = scan_projects(&files(&[
        ("chat/Gemfile", "source 'https://rubygems.org'\n"),
        ("chat/config/cable.yml", cable),
    ]));
    assert_eq!(
        references(&s),
        [
            "app:chat -> chat-redis:6379 db=1 tls=no explicit chat/config/cable.yml:11 | production.url = redis://chat-redis:6379/1",
            "app:chat -> localhost:6379 db=1 tls=no inferred chat/config/cable.yml:3 | url (in the document for environment development: whether it is active is not known) = redis://localhost:6379/1",
            "app:chat -> localhost:6379 db=9 tls=no inferred chat/config/cable.yml:7 | url (in the document for environment test: whether it is active is not known) = redis://localhost:6379/9",
        ]
    );
}

#[test]
fn a_file_with_one_environment_key_is_read_as_written() {
    // `development:` alone is no environment-keyed file: just a key.
    let config = "development:\n  redis:\n    url: redis://dev-cache:6379/0\n";
    let s = scan_projects(&files(&[
        ("tools/package.json", "{\"name\": \"tools\"}\n"),
        ("tools/config/app.yml", config),
    ]));
    let refs = references(&s);
    assert_eq!(refs.len(), 1, "{refs:#?}");
    assert!(
        refs[0].contains(" explicit tools/config/app.yml:3 | development.redis.url"),
        "{refs:#?}"
    );
}
