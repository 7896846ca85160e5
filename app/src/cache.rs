//! One per-process cache type for data that every request reads and few requests change
//! (the stations with their index, the catalogue with its search index).
//!
//! The database stays the only truth: each write bumps a version row in the same
//! transaction, and a read rebuilds only when that version moved. Asking the database
//! for the version on every request cost a round trip per page (on SQLite a hop to the
//! connection's thread and back), so [`VersionedCache::get_checked`] remembers the
//! version it saw for [`VERSION_FRESH`] and asks again only after that, or at once
//! after any write transaction this process committed ([`crate::db::Db::commits`]):
//! a process reads its own writes at once, and another process's within a second.
//! No process needs to be told of another's writes.

use std::future::Future;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// How long a version read from the database is taken as current when this process
/// wrote nothing since: another process's change shows within this time (and the
/// query's own), well inside the one second the portal promises.
pub const VERSION_FRESH: Duration = Duration::from_millis(500);

/// The version last read, when it was asked for, and this process's commit count then.
type Seen<V> = Option<(V, Instant, u64)>;

/// The value of one version, shared by every request that reads that version.
type Slot<V, T> = Option<(V, Arc<T>)>;

/// The value, and the one build in progress: concurrent requests that find the cache
/// old wait for a single rebuild instead of each making their own (a cold start or a
/// change under load would otherwise build the stations' index once per request).
pub struct VersionedCache<V, T>(
    Arc<RwLock<Slot<V, T>>>,
    Arc<tokio::sync::Mutex<()>>,
    Arc<Mutex<Seen<V>>>,
);

impl<V, T> Clone for VersionedCache<V, T> {
    fn clone(&self) -> Self {
        VersionedCache(self.0.clone(), self.1.clone(), self.2.clone())
    }
}

impl<V, T> Default for VersionedCache<V, T> {
    fn default() -> Self {
        VersionedCache(
            Arc::new(RwLock::new(None)),
            Arc::new(tokio::sync::Mutex::new(())),
            Arc::new(Mutex::new(None)),
        )
    }
}

impl<V, T> std::fmt::Debug for VersionedCache<V, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VersionedCache")
    }
}

impl<V: PartialEq + Clone, T> VersionedCache<V, T> {
    /// The value for the current version, where `version` asks the database for it: at
    /// most once per [`VERSION_FRESH`], and again at once when `commits` (this process's
    /// committed writes, [`crate::db::Db::commits`]) moved since the last ask.
    pub async fn get_checked<E, Q, QFut, F, Fut>(
        &self,
        commits: u64,
        version: Q,
        load: F,
    ) -> Result<Arc<T>, E>
    where
        Q: FnOnce() -> QFut,
        QFut: Future<Output = Result<V, E>>,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let seen = self.2.lock().ok().and_then(|g| {
            g.as_ref()
                .filter(|(_, at, c)| *c == commits && at.elapsed() < VERSION_FRESH)
                .map(|(v, _, _)| v.clone())
        });
        let v = match seen {
            Some(v) => v,
            None => {
                // The time and count from before the question: a write committed while
                // it was in flight makes the next read ask again.
                let asked = Instant::now();
                let v = version().await?;
                if let Ok(mut g) = self.2.lock() {
                    *g = Some((v.clone(), asked, commits));
                }
                v
            }
        };
        self.get(v, load).await
    }

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

/// How long [`RecentCache`] keeps a value: as long as the page cache keeps a page
/// (`LINLI_PAGE_CACHE_MS`' default), so another process's change shows within a second.
pub const RECENT: Duration = Duration::from_millis(400);

/// The most keys a [`RecentCache`] holds (it is emptied when full).
const RECENT_KEYS: usize = 256;

/// Values counted across whole tables that have no version row (the dashboard's figures):
/// kept per key for [`RECENT`], and not after any write this process committed. A burst
/// of staff opening the dashboard counts once; a change shows at once here and within a
/// second elsewhere.
pub struct RecentCache<K, T>(Arc<Mutex<Recent<K, T>>>, Arc<tokio::sync::Mutex<()>>, usize);

/// Per key: when the value was made, this process's commit count then, the value.
type Recent<K, T> = std::collections::HashMap<K, (Instant, u64, Arc<T>)>;

impl<K, T> Clone for RecentCache<K, T> {
    fn clone(&self) -> Self {
        RecentCache(self.0.clone(), self.1.clone(), self.2)
    }
}

impl<K, T> Default for RecentCache<K, T> {
    fn default() -> Self {
        RecentCache(Arc::default(), Arc::default(), RECENT_KEYS)
    }
}

impl<K, T> std::fmt::Debug for RecentCache<K, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecentCache")
    }
}

impl<K: std::hash::Hash + Eq + Clone, T> RecentCache<K, T> {
    /// A cache of at most `keys` keys (the default holds 256).
    pub fn with_keys(keys: usize) -> Self {
        RecentCache(Arc::default(), Arc::default(), keys.max(1))
    }

    fn keep(&self, key: K, commits: u64, v: Arc<T>) {
        if let Ok(mut g) = self.0.lock() {
            if g.len() >= self.2 {
                g.clear();
            }
            g.insert(key, (Instant::now(), commits, v));
        }
    }

    /// Like [`RecentCache::get`], but each request that finds its key old loads it
    /// itself, side by side with the others: for a value per person (who a session
    /// token belongs to), where one person's load must not wait behind another's.
    pub async fn get_each<E, F, Fut>(&self, key: K, commits: u64, load: F) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(v) = self.kept(&key, commits) {
            return Ok(v);
        }
        let v = Arc::new(load().await?);
        self.keep(key, commits, v.clone());
        Ok(v)
    }

    fn kept(&self, key: &K, commits: u64) -> Option<Arc<T>> {
        let g = self.0.lock().ok()?;
        let (made, c, v) = g.get(key)?;
        (made.elapsed() < RECENT && *c == commits).then(|| v.clone())
    }

    /// The value for `key`: the kept one if it is younger than [`RECENT`] and `commits`
    /// ([`crate::db::Db::commits`]) did not move since, else `load`'s.
    pub async fn get<E, F, Fut>(&self, key: K, commits: u64, load: F) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(v) = self.kept(&key, commits) {
            return Ok(v);
        }
        // One count at a time: the requests that found it old together wait for the
        // first one's count instead of each counting the same tables at once (32 staff
        // at once had the dashboard's p99 at a second).
        let _turn = self.1.lock().await;
        if let Some(v) = self.kept(&key, commits) {
            return Ok(v);
        }
        let v = Arc::new(load().await?);
        self.keep(key, commits, v.clone());
        Ok(v)
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

    #[tokio::test]
    async fn the_version_is_asked_again_after_a_commit_or_when_old_and_not_between() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let cache: VersionedCache<i64, String> = VersionedCache::default();
        let asked = std::sync::Arc::new(AtomicUsize::new(0));
        let read = |commits: u64, db_version: i64| {
            let (cache, asked) = (cache.clone(), asked.clone());
            async move {
                cache
                    .get_checked(
                        commits,
                        || async move {
                            asked.fetch_add(1, Ordering::SeqCst);
                            Ok::<_, ()>(db_version)
                        },
                        || async move { Ok(format!("v{db_version}")) },
                    )
                    .await
                    .map(|s| s.to_string())
            }
        };
        assert_eq!(read(0, 1).await, Ok("v1".into()));
        // Fresh, and this process committed nothing: the version seen is kept.
        assert_eq!(read(0, 2).await, Ok("v1".into()));
        assert_eq!(asked.load(Ordering::SeqCst), 1);
        // This process committed: asked at once.
        assert_eq!(read(1, 2).await, Ok("v2".into()));
        assert_eq!(asked.load(Ordering::SeqCst), 2);
        // Another process's change: seen once the version is no longer fresh.
        tokio::time::sleep(super::VERSION_FRESH + std::time::Duration::from_millis(50)).await;
        assert_eq!(read(1, 3).await, Ok("v3".into()));
        assert_eq!(asked.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_recent_value_is_kept_until_a_write_or_its_time() {
        use super::{RecentCache, RECENT};
        use std::time::Duration;
        let c: RecentCache<&str, u32> = RecentCache::default();
        let loads = std::sync::atomic::AtomicU32::new(0);
        let load =
            || async { Ok::<_, ()>(loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1) };
        assert_eq!(*c.get("a", 0, load).await.unwrap(), 1);
        assert_eq!(*c.get("a", 0, load).await.unwrap(), 1, "kept");
        assert_eq!(*c.get("b", 0, load).await.unwrap(), 2, "per key");
        assert_eq!(*c.get("a", 1, load).await.unwrap(), 3, "a write since");
        tokio::time::sleep(RECENT + Duration::from_millis(20)).await;
        assert_eq!(*c.get("a", 1, load).await.unwrap(), 4, "too old");
    }
}
