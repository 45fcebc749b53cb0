//! EnvoyFilter patches.

pub mod envoyfilter_invalid_add;
pub mod envoyfilter_invalid_remove;
pub mod envoyfilter_invalid_replace;
pub mod envoyfilter_relative_fixed_anchor;
pub mod envoyfilter_relative_with_proxy_version;
pub mod envoyfilter_relative_without_priority;
pub mod envoyfilter_util;
