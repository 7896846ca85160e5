//! One per-process cache type for data that every request reads and few requests change
//! (the stations with their index, the catalogue with its search index).
//!
//! The database stays the only truth: each write bumps a version row in the same
//! transaction, and every read first asks the database for the current version (one
//! indexed row) and rebuilds only when it moved. Any number of server processes
//! therefore answer alike, and no process needs to be told of another's writes.

use std::future::Future;
use std::sync::{Arc, RwLock};

/// The value of one version, shared by every request that reads that version.
type Slot<V, T> = Option<(V, Arc<T>)>;

pub struct VersionedCache<V, T>(Arc<RwLock<Slot<V, T>>>);

impl<V, T> Clone for VersionedCache<V, T> {
    fn clone(&self) -> Self {
        VersionedCache(self.0.clone())
    }
}

impl<V, T> Default for VersionedCache<V, T> {
    fn default() -> Self {
        VersionedCache(Arc::new(RwLock::new(None)))
    }
}

impl<V, T> std::fmt::Debug for VersionedCache<V, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VersionedCache")
    }
}

impl<V: PartialEq + Clone, T> VersionedCache<V, T> {
    /// The value built for `version`, building it with `load` if the cached one is older
    /// (or there is none). Two requests racing to rebuild both build; the last one wins,
    /// and both answers are right for the version they saw.
    pub async fn get<E, F, Fut>(&self, version: V, load: F) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Ok(g) = self.0.read() {
            if let Some((v, t)) = g.as_ref() {
                if *v == version {
                    return Ok(t.clone());
                }
            }
        }
        let built = Arc::new(load().await?);
        if let Ok(mut g) = self.0.write() {
            *g = Some((version, built.clone()));
        }
        Ok(built)
    }
}

#[cfg(test)]
mod tests {
    use super::VersionedCache;

    #[tokio::test]
    async fn rebuilds_only_when_the_version_moves() {
        let cache: VersionedCache<i64, String> = VersionedCache::default();
        let mut builds = 0;
        for (version, want) in [(1, "v1"), (1, "v1"), (2, "v2"), (2, "v2")] {
            let got = cache
                .get(version, || async {
                    builds += 1;
                    Ok::<_, ()>(format!("v{version}"))
                })
                .await;
            assert_eq!(got.as_deref().map(String::as_str), Ok(want));
        }
        assert_eq!(builds, 2);
    }
}
