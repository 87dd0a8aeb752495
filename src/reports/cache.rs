//! A cache of the public pages and downloads. Their figures change only when
//! records change, and records change only through a POST, so every POST the
//! app answers moves a generation counter (`request_context` calls
//! `changed`) and every entry made before it is stale. Entries also expire
//! after `MAX_AGE`, for changes made outside the app (a database restore, the
//! command line), and the cache holds at most `CAPACITY` entries.
//!
//! One process holds one cache; several processes behind a balancer would each
//! keep theirs, bounded by `MAX_AGE`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::publication::Bundle;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub const MAX_AGE: Duration = Duration::from_secs(600);
const CAPACITY: usize = 512;

#[derive(Clone)]
pub struct Cached {
    pub body: actix_web::web::Bytes,
    pub content_type: &'static str,
}

struct Entry<T> {
    generation: u64,
    made: Instant,
    value: T,
}

/// Values of one kind, each kept with the generation it was computed at.
struct Shelf<T>(Mutex<HashMap<String, Entry<T>>>);

impl<T> Default for Shelf<T> {
    fn default() -> Self {
        Shelf(Mutex::new(HashMap::new()))
    }
}

impl<T: Clone> Shelf<T> {
    fn get(&self, key: &str, now: u64) -> Option<T> {
        let entries = self.0.lock().ok()?;
        entries
            .get(key)
            .filter(|e| e.generation == now && e.made.elapsed() < MAX_AGE)
            .map(|e| e.value.clone())
    }

    fn put(&self, key: String, generation: u64, value: T) {
        if let Ok(mut entries) = self.0.lock() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(
                key,
                Entry {
                    generation,
                    made: Instant::now(),
                    value,
                },
            );
        }
    }
}

#[derive(Default)]
pub struct PublicCache {
    generation: AtomicU64,
    pages: Shelf<Cached>,
    /// Protected publications (public and staff), shared by the pages and
    /// downloads that show them.
    publications: Shelf<Arc<Bundle>>,
    /// Held while a publication is computed, so concurrent requests wait.
    pub rebuilding: tokio::sync::Mutex<()>,
}

impl PublicCache {
    /// Records changed: everything cached so far is stale.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The generation to note before computing an entry.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn get(&self, key: &str) -> Option<Cached> {
        self.pages.get(key, self.generation())
    }

    /// Keep a value computed from the records as they were at `generation`.
    pub fn put(&self, key: String, generation: u64, value: Cached) {
        self.pages.put(key, generation, value);
    }

    pub fn publication(&self, key: &str) -> Option<Arc<Bundle>> {
        self.publications.get(key, self.generation())
    }

    pub fn keep_publication(&self, key: String, generation: u64, value: Arc<Bundle>) {
        self.publications.put(key, generation, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &'static str) -> Cached {
        Cached {
            body: actix_web::web::Bytes::from_static(text.as_bytes()),
            content_type: "text/plain",
        }
    }

    #[test]
    fn a_change_makes_every_entry_stale() {
        let cache = PublicCache::default();
        let g = cache.generation();
        cache.put("a".into(), g, page("one"));
        assert_eq!(cache.get("a").map(|c| c.body), Some("one".into()));
        cache.changed();
        assert!(cache.get("a").is_none());
    }

    #[test]
    fn a_value_computed_across_a_change_is_never_served() {
        let cache = PublicCache::default();
        let g = cache.generation();
        cache.changed();
        cache.put("a".into(), g, page("old"));
        assert!(cache.get("a").is_none());
    }
}
