//! The scale benchmark's two halves, as a library so tests can use them
//! without a release build:
//!
//! - [`gen`] writes a synthetic organisation (namespaces, Redis instances,
//!   workloads reaching them by every route the scanner supports, and
//!   look-alikes that are not consumers) together with its [`Truth`].
//! - [`truth`] compares what fallout found with that truth: recall,
//!   precision and TLS, with the misses and false positives named.
//!
//! The binaries `fallout-gen` and `fallout-bench` are the only printers.

pub mod gen;
pub mod truth;

pub use gen::{generate, Options, Org, GENERATOR_VERSION};
pub use truth::{compare, found_in_inventory, found_in_json, Comparison, Found, Truth};
