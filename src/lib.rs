//! amp2mp: a codemod that migrates JavaScript and TypeScript code from the Amplitude analytics
//! SDKs to Mixpanel. The library holds the whole pipeline
//! (discover → prefilter → parse → find → resolve → plan → verify → render | write);
//! the `amp2mp` binary only parses the command line and calls [`app::run`].

pub mod app;
pub mod builders;
pub mod cli;
pub mod clients;
pub mod config;
pub mod discover;
pub mod edit;
pub mod embedded;
pub mod endpoints;
pub mod engine;
pub mod facts;
pub mod inventory;
pub mod lang;
pub mod link;
pub mod manifest;
pub mod mapping;
pub mod options;
pub mod ordered;
pub mod plan;
pub mod prefilter;
pub mod queries;
pub mod render;
pub mod resolve;
pub mod scope;
pub mod suppress;
pub mod tally;
pub mod write;
