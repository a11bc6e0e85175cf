//! Tests of identity resolution and the impact engine, on facts built by hand.
