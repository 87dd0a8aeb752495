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
use crate::web::error::ErrorPage;
use chrono::{DateTime, Utc};
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

    /// The newest entry, however old: it is shown with its time while a
    /// newer one is made, and under steady writes on a large database a count
    /// can take longer than `MAX_AGE`.
    fn last(&self, key: &str) -> Option<T> {
        let entries = self.0.lock().ok()?;
        entries.get(key).map(|e| e.value.clone())
    }

    /// An entry computed at `since` or later (and not expired).
    fn get_since(&self, key: &str, since: u64) -> Option<T> {
        let entries = self.0.lock().ok()?;
        entries
            .get(key)
            .filter(|e| e.generation >= since && e.made.elapsed() < MAX_AGE)
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
    publications: Publications,
    /// Held while a publication is computed: one count at a time, taken in
    /// turn by the keys asked for.
    pub rebuilding: Arc<tokio::sync::Mutex<()>>,
    /// The counts asked for and not yet done (see `want`).
    counts: Mutex<HashMap<String, u64>>,
    /// Failed counts so far, per key, and the page their readers get.
    failures: Mutex<HashMap<String, (u64, ErrorPage)>>,
    /// Woken after every count, done or failed.
    pub count_ended: tokio::sync::Notify,
}

/// When a publication's figures were counted, and whether a newer count is
/// on its way (the records have changed since, and counting them takes longer
/// than a reader is kept waiting).
#[derive(Clone, Copy, Debug)]
pub struct AsOf {
    pub at: DateTime<Utc>,
    pub updating: bool,
}

/// A publication with the time of its snapshot of the records.
#[derive(Clone)]
pub struct Edition {
    pub bundle: Arc<Bundle>,
    pub as_of: AsOf,
}

impl Edition {
    /// The same figures, shown while a newer count is made.
    pub fn updating(self) -> Edition {
        Edition {
            as_of: AsOf {
                updating: true,
                ..self.as_of
            },
            ..self
        }
    }
}

/// Where a computation keeps its publication: it may finish after the
/// request that started it has gone (a client's timeout, or a reader shown
/// the previous edition), and its result still serves the requests waiting
/// behind it.
#[derive(Clone, Default)]
pub struct Publications(Arc<Shelf<Edition>>);

impl Publications {
    pub fn keep(&self, key: String, generation: u64, value: Edition) {
        self.0.put(key, generation, value);
    }
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

    pub fn publication(&self, key: &str) -> Option<Edition> {
        self.publications.0.get(key, self.generation())
    }

    /// A publication computed from the records as they were at `since` or
    /// later: it holds every change made before `since`.
    pub fn publication_since(&self, key: &str, since: u64) -> Option<Edition> {
        self.publications.0.get_since(key, since)
    }

    /// The newest publication of `key`, however many changes it misses.
    pub fn last_publication(&self, key: &str) -> Option<Edition> {
        self.publications.0.last(key)
    }

    pub fn publications(&self) -> Publications {
        self.publications.clone()
    }

    /// A reader needs a count of `key` made at `generation` or later. True
    /// when the caller must start the count: a key has at most one, running
    /// or waiting for its turn, which counts again while readers arrived
    /// after it began (`counted`).
    pub fn want(&self, key: &str, generation: u64) -> bool {
        let Ok(mut counts) = self.counts.lock() else {
            return false;
        };
        match counts.get_mut(key) {
            Some(wanted) => {
                *wanted = (*wanted).max(generation);
                false
            }
            None => {
                counts.insert(key.to_owned(), generation);
                true
            }
        }
    }

    /// A count of `key` made at `generation` was kept. True when it must
    /// count again for readers that arrived after it began.
    pub fn counted(&self, key: &str, generation: u64) -> bool {
        let again = match self.counts.lock() {
            Ok(mut counts) => match counts.get(key) {
                Some(wanted) if *wanted > generation => true,
                _ => {
                    counts.remove(key);
                    false
                }
            },
            Err(_) => false,
        };
        self.count_ended.notify_waiters();
        again
    }

    /// A count of `key` failed: its waiting readers get `page`.
    pub fn count_failed(&self, key: &str, page: ErrorPage) {
        if let Ok(mut counts) = self.counts.lock() {
            counts.remove(key);
        }
        if let Ok(mut failures) = self.failures.lock() {
            let entry = failures.entry(key.to_owned()).or_insert((0, page));
            *entry = (entry.0 + 1, page);
        }
        self.count_ended.notify_waiters();
    }

    /// How many counts of `key` have failed so far, and the page of the last.
    pub fn failures(&self, key: &str) -> (u64, Option<ErrorPage>) {
        self.failures
            .lock()
            .ok()
            .and_then(|f| f.get(key).map(|(n, page)| (*n, Some(*page))))
            .unwrap_or((0, None))
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
    fn a_waiter_takes_what_was_computed_since_it_arrived() {
        let shelf: Shelf<Cached> = Shelf::default();
        shelf.put("a".into(), 3, page("three"));
        assert!(
            shelf.get_since("a", 4).is_none(),
            "computed before it arrived"
        );
        assert_eq!(
            shelf.get_since("a", 3).map(|c| c.body),
            Some("three".into())
        );
        assert_eq!(
            shelf.get_since("a", 2).map(|c| c.body),
            Some("three".into())
        );
        assert!(shelf.get_since("b", 0).is_none());
    }

    #[test]
    fn the_last_entry_outlives_changes_and_its_age() {
        let shelf: Shelf<Cached> = Shelf::default();
        shelf.put("a".into(), 3, page("three"));
        assert!(shelf.get("a", 4).is_none(), "a change makes it stale");
        assert_eq!(shelf.last("a").map(|c| c.body), Some("three".into()));
        let Some(long_ago) = Instant::now().checked_sub(MAX_AGE) else {
            return; // the machine started less than MAX_AGE ago
        };
        if let Ok(mut entries) = shelf.0.lock()
            && let Some(e) = entries.get_mut("a")
        {
            e.made = long_ago;
        }
        assert!(shelf.get("a", 3).is_none(), "expired as a current entry");
        assert_eq!(shelf.last("a").map(|c| c.body), Some("three".into()));
        assert!(shelf.last("b").is_none());
    }

    #[test]
    fn a_key_has_one_count_which_goes_on_while_readers_need_a_newer_one() {
        let cache = PublicCache::default();
        assert!(cache.want("a", 3), "the first reader starts the count");
        assert!(!cache.want("a", 3), "the second waits for it");
        assert!(cache.want("b", 3), "another key has a count of its own");
        assert!(
            !cache.want("a", 5),
            "arrived after a change: still one count"
        );
        assert!(cache.counted("a", 4), "made at 4, and a reader needs 5");
        assert!(!cache.counted("a", 5), "done");
        assert!(cache.want("a", 6), "a new count once the last is done");
        cache.count_failed("a", ErrorPage::Unavailable);
        assert_eq!(cache.failures("a"), (1, Some(ErrorPage::Unavailable)));
        assert!(cache.want("a", 6), "a failed count is not waited for");
        assert_eq!(cache.failures("b"), (0, None));
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
