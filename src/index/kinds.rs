//! Lookups over resources by kind and API group, for rules about kinds meshlint does not model.

use super::{Index, ResourceId};
use crate::model::Resource;

impl<'r> Index<'r> {
    /// Every resource of the input, with its id, in input order.
    pub fn all_resources(&self) -> impl Iterator<Item = (ResourceId, &'r Resource)> + '_ {
        self.resources.iter().enumerate()
    }
}

/// The API group of an `apiVersion` (`config.istio.io/v1alpha2` → `config.istio.io`; core `v1`
/// → empty).
pub fn api_group(api_version: &str) -> &str {
    match api_version.rsplit_once('/') {
        Some((group, _)) => group,
        None => "",
    }
}
