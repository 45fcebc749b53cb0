//! Route simulation: the HTTP match model ([`matcher`]), the simulator ([`sim`]), its
//! Gateway API part ([`gateway_api`]) and its TCP/TLS part ([`l4`]), route test cases ([`cases`]), the request classes of a
//! routing diff ([`classes`]) and the mesh graph renderers ([`graph`]).

pub mod cases;
pub mod classes;
pub mod gateway_api;
pub mod graph;
pub mod l4;
pub mod matcher;
pub mod merge;
pub mod sim;
pub mod text;
