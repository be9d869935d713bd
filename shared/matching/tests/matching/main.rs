//! Integration tests of circle-matching: one test binary, one module per concern.

mod cli;
mod engine;
mod feasibility;
mod parse;
mod people;
mod placeable;
mod reasons;
mod score;
