//! Integration tests of the fallout binary.
