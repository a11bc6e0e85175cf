//! Pure scanners: bytes in, facts and diagnostics out. No IO here: the CLI
//! reads files and the live crate fetches objects; these only parse.

pub mod config;
pub mod settings;
pub mod yaml;
