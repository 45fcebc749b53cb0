//! Route simulation: the HTTP match model ([`matcher`]), the simulator ([`sim`]), route test
//! cases ([`cases`]) and the mesh graph renderers ([`graph`]).

pub mod cases;
pub mod classes;
pub mod graph;
pub mod matcher;
pub mod merge;
pub mod sim;
pub mod text;
