//! The spatial index behind "nearest": an R-tree (the `rstar` crate) over points on the
//! unit sphere, so that straight-line distance in the tree orders stations exactly as
//! great-circle distance does, anywhere on Earth.
//!
//! Filters are applied while walking the tree outward, so that when "open now" removes
//! the nearest stations the query still returns the next k that qualify.
//!
//! The index is a cache of the database, never the truth: each process rebuilds it when
//! the `stations_version` row (bumped by every station write) changes.

use crate::stations::model::{distance_m, LatLng};
use rstar::primitives::GeomWithData;
use rstar::{ParentNode, PointDistance, RStarInsertionStrategy, RTree, RTreeNode, RTreeParams};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

type Entry = GeomWithData<[f64; 3], usize>;

/// Wider nodes than rstar's default (6): the tree is only ever bulk-loaded, never
/// inserted into, and at a million stations fewer levels means fewer cache misses per
/// query (`cargo bench --bench nearest`: 24 beat 6, 12 and 48).
struct Wide;

impl RTreeParams for Wide {
    const MIN_SIZE: usize = WIDE / 2;
    const MAX_SIZE: usize = WIDE;
    const REINSERTION_COUNT: usize = 2;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

const WIDE: usize = 24;

/// A point on the unit sphere.
pub fn to_xyz(p: LatLng) -> [f64; 3] {
    let (lat, lng) = (p.lat.to_radians(), p.lng.to_radians());
    [lat.cos() * lng.cos(), lat.cos() * lng.sin(), lat.sin()]
}

/// A node still to open, by its least possible squared chord to the query (a min-heap).
struct Open<'a> {
    d2: f64,
    node: &'a ParentNode<Entry>,
}

impl PartialEq for Open<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.d2.total_cmp(&other.d2) == Ordering::Equal
    }
}
impl Eq for Open<'_> {}
impl PartialOrd for Open<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Open<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.d2.total_cmp(&self.d2)
    }
}

/// The squared chord a candidate must beat: the k-th best so far, or anything at all
/// while fewer than k are found.
fn kth(best: &[(f64, usize)], k: usize) -> f64 {
    if best.len() < k {
        f64::INFINITY
    } else {
        best[k - 1].0
    }
}

/// Points and their positions in the caller's list.
#[derive(Debug, Default)]
pub struct PointIndex {
    tree: RTree<Entry, Wide>,
    points: Vec<LatLng>,
}

impl PointIndex {
    pub fn new(points: Vec<LatLng>) -> Self {
        let entries: Vec<Entry> = points
            .iter()
            .enumerate()
            .map(|(i, p)| GeomWithData::new(to_xyz(*p), i))
            .collect();
        PointIndex {
            tree: RTree::bulk_load_with_params(entries),
            points,
        }
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The `k` nearest positions that pass `keep`, nearest first, with their distance in
    /// metres. A best-first walk of the tree that keeps only the `k` best so far: a node
    /// is opened only while it may hold something nearer than the k-th, and a point is
    /// offered to `keep` only when it would make the list (so a filter that passes one in
    /// four costs a few dozen calls, not one per point passed on the way). rstar's own
    /// lazy iterator puts every point of every opened leaf on its heap and offers each to
    /// the filter: at a million stations its p99 was 14.7 µs against 8.8 µs now (`cargo
    /// bench -p server --bench nearest`, same run).
    pub fn nearest(
        &self,
        from: LatLng,
        k: usize,
        mut keep: impl FnMut(usize) -> bool,
    ) -> Vec<(usize, f64)> {
        if k == 0 || self.points.is_empty() {
            return Vec::new();
        }
        let q = to_xyz(from);
        // Sorted by squared chord, nearest first; at most k.
        let mut best: Vec<(f64, usize)> = Vec::with_capacity(k.min(self.points.len()) + 1);
        let mut open: BinaryHeap<Open<'_>> = BinaryHeap::with_capacity(64);
        open.push(Open {
            d2: 0.0,
            node: self.tree.root(),
        });
        while let Some(Open { d2, node }) = open.pop() {
            let bound = kth(&best, k);
            if d2 >= bound {
                break;
            }
            for child in node.children() {
                match child {
                    RTreeNode::Leaf(e) => {
                        let d = e.distance_2(&q);
                        if d < kth(&best, k) && keep(e.data) {
                            let at = best.partition_point(|b| b.0 <= d);
                            best.insert(at, (d, e.data));
                            best.truncate(k);
                        }
                    }
                    RTreeNode::Parent(p) => {
                        let d = p.envelope().distance_2(&q);
                        if d < kth(&best, k) {
                            open.push(Open { d2: d, node: p });
                        }
                    }
                }
            }
        }
        best.into_iter()
            .map(|(_, i)| (i, distance_m(from, self.points[i])))
            .collect()
    }

    /// Every position within `radius_m` of `from` (great-circle), with its distance, in
    /// no particular order: the tree is asked for the chord that the radius subtends.
    pub fn within(&self, from: LatLng, radius_m: f64) -> Vec<(usize, f64)> {
        let q = to_xyz(from);
        let chord = 2.0 * (radius_m / (2.0 * crate::stations::model::EARTH_RADIUS_M)).sin();
        // A hair wider than the chord: the exact distance below decides.
        let r2 = (chord * 1.000_001).powi(2);
        self.tree
            .locate_within_distance(q, r2)
            .map(|e| (e.data, distance_m(from, self.points[e.data])))
            .filter(|(_, d)| *d <= radius_m)
            .collect()
    }

    /// The same answer by testing every point: the baseline of the benchmark and the
    /// oracle of the tests.
    pub fn nearest_linear(
        &self,
        from: LatLng,
        k: usize,
        mut keep: impl FnMut(usize) -> bool,
    ) -> Vec<(usize, f64)> {
        let mut all: Vec<(usize, f64)> = self
            .points
            .iter()
            .enumerate()
            .filter(|(i, _)| keep(*i))
            .map(|(i, p)| (i, distance_m(from, *p)))
            .collect();
        let k = k.min(all.len());
        if k == 0 {
            return Vec::new();
        }
        all.select_nth_unstable_by(k - 1, |a, b| a.1.total_cmp(&b.1));
        all.truncate(k);
        all.sort_by(|a, b| a.1.total_cmp(&b.1));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn cloud(n: usize, seed: u64) -> Vec<LatLng> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        (0..n)
            .map(|_| LatLng {
                lat: rng.gen_range(36.45..36.95),
                lng: rng.gen_range(117.75..118.40),
            })
            .collect()
    }

    #[test]
    fn filters_skip_to_the_next_that_qualify() {
        let idx = PointIndex::new(cloud(2000, 3));
        let q = LatLng {
            lat: 36.8,
            lng: 118.05,
        };
        // Keep only every seventh point: the answer is still k points, all qualifying,
        // and exactly those a filtered linear scan finds.
        let keep = |i: usize| i.is_multiple_of(7);
        let a = idx.nearest(q, 5, keep);
        assert_eq!(a.len(), 5);
        assert!(a.iter().all(|(i, _)| keep(*i)));
        assert_eq!(a, idx.nearest_linear(q, 5, keep));
        assert!(a.windows(2).all(|w| w[0].1 <= w[1].1));
    }

    #[test]
    fn fewer_than_k_qualifying_gives_what_there_is() {
        let idx = PointIndex::new(cloud(100, 4));
        assert_eq!(
            idx.nearest(
                LatLng {
                    lat: 36.8,
                    lng: 118.0
                },
                10,
                |i| i < 3
            )
            .len(),
            3
        );
        assert!(PointIndex::new(vec![])
            .nearest(LatLng { lat: 0.0, lng: 0.0 }, 3, |_| true)
            .is_empty());
    }

    #[test]
    fn the_tree_agrees_with_a_linear_scan_for_any_k_and_filter() {
        let idx = PointIndex::new(cloud(20_000, 5));
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(6);
        for round in 0..200 {
            // Inside the cloud, at its edge and well outside it.
            let q = LatLng {
                lat: rng.gen_range(36.0..37.4),
                lng: rng.gen_range(117.3..118.9),
            };
            let k = [1, 2, 5, 10, 50][round % 5];
            let m = [1, 2, 4, 13, 997][(round / 5) % 5];
            let keep = |i: usize| i.is_multiple_of(m);
            let a = idx.nearest(q, k, keep);
            let b = idx.nearest_linear(q, k, keep);
            assert_eq!(a, b, "query {q:?}, k {k}, one in {m}");
        }
    }
}
