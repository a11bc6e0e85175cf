//! placeholder

pub mod attribute;
