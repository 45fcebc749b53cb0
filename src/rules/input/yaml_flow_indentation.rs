//! `yaml-flow-indentation` (ML016): a flow collection's closing `]` or `}` stands on its own
//! line at (or left of) its parent's indentation. Strict YAML 1.2 parsers (saphyr-parser among
//! them) reject it; go-yaml, which kubectl uses, accepts it. The loader reads such a document
//! the way kubectl does and reports this warning instead of ML001.
//!
//! Emitted by the loader (`yaml::parse_chunk`); there is no separate check.

pub use crate::diagnostics::catalogue::YAML_FLOW_INDENTATION as META;
