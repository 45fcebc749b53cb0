//! Route simulation: the HTTP match model ([`matcher`]), the simulator ([`sim`]) and its
//! Gateway API part ([`gateway_api`]), route test cases ([`cases`]) and the mesh graph
//! renderers ([`graph`]).

pub mod cases;
pub mod gateway_api;
pub mod graph;
pub mod matcher;
pub mod merge;
pub mod sim;
pub mod text;
