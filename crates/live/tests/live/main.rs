//! The live sampler against real `redis-server` processes started here on
//! free loopback ports (never 6379). One test binary; each test starts its
//! own servers and kills them when it ends.

mod harness;

mod cluster;
mod errors;
mod observe;
mod sentinel;
mod standalone;
