//! Integration tests of the fallout binary: the fixtures, the corpora and
//! the exit-code matrix. One test binary; a module per story.

mod support;

mod catalog;
mod compose;
mod corpus;
mod dapr_keda;
mod exit_codes;
mod incident;
mod independent;
mod k8s_env;
mod kube;
mod kustomize;
mod live;
mod php_config;
mod redis_proxy;
mod regressions;
mod review;
mod review_c;
mod review_cli;
mod review_g10;
mod review_g11;
mod review_g5;
mod review_g6;
mod review_g7;
mod review_g8;
mod review_g9;
mod review_h3;
mod review_realworld;
mod scanners_review;
mod sidecar;
mod unix_socket;
