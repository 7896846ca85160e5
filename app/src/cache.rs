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

/// The value, and the one build in progress: concurrent requests that find the cache
/// old wait for a single rebuild instead of each making their own (a cold start or a
/// change under load would otherwise build the stations' index once per request).
pub struct VersionedCache<V, T>(Arc<RwLock<Slot<V, T>>>, Arc<tokio::sync::Mutex<()>>);

impl<V, T> Clone for VersionedCache<V, T> {
    fn clone(&self) -> Self {
        VersionedCache(self.0.clone(), self.1.clone())
    }
}

impl<V, T> Default for VersionedCache<V, T> {
    fn default() -> Self {
        VersionedCache(
            Arc::new(RwLock::new(None)),
            Arc::new(tokio::sync::Mutex::new(())),
        )
    }
}

impl<V, T> std::fmt::Debug for VersionedCache<V, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VersionedCache")
    }
}

impl<V: PartialEq + Clone, T> VersionedCache<V, T> {
    /// The value built for `version`, building it with `load` if the cached one is older
    /// (or there is none). Requests that find it old at once wait for one build and share
    /// it; each answer is right for the version it saw.
    pub async fn get<E, F, Fut>(&self, version: V, load: F) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(t) = self.current(&version) {
            return Ok(t);
        }
        let _building = self.1.lock().await;
        // Someone else may have built this version while this request waited.
        if let Some(t) = self.current(&version) {
            return Ok(t);
        }
        let built = Arc::new(load().await?);
        if let Ok(mut g) = self.0.write() {
            *g = Some((version, built.clone()));
        }
        Ok(built)
    }
}

impl<V: PartialEq, T> VersionedCache<V, T> {
    fn current(&self, version: &V) -> Option<Arc<T>> {
        let g = self.0.read().ok()?;
        match g.as_ref() {
            Some((v, t)) if v == version => Some(t.clone()),
            _ => None,
        }
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

    #[tokio::test]
    async fn requests_that_miss_together_share_one_build() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let cache: VersionedCache<i64, String> = VersionedCache::default();
        let builds = std::sync::Arc::new(AtomicUsize::new(0));
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let (cache, builds) = (cache.clone(), builds.clone());
            set.spawn(async move {
                cache
                    .get(7, || async {
                        builds.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        Ok::<_, ()>("v7".to_string())
                    })
                    .await
            });
        }
        while let Some(r) = set.join_next().await {
            assert_eq!(r.unwrap().as_deref().map(String::as_str), Ok("v7"));
        }
        assert_eq!(builds.load(Ordering::SeqCst), 1);
    }
}
