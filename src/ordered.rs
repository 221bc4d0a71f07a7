//! A parallel map whose results come back in input order, one at a time, while the rest are
//! still being computed: the workers (rayon's pool) take the next item from a shared counter, so
//! results finish nearly in order, and the calling thread hands each to a sink as soon as every
//! earlier one has been handed over. Memory then follows the few results that finished early,
//! not the whole run: a run over a monorepo streams its output in path order instead of
//! buffering it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// How many finished batches may wait in the channel before the workers pause for the sink.
const IN_FLIGHT: usize = 32;

/// How many consecutive items a worker takes at once and sends back together: one wake-up of
/// the calling thread per batch, not per item.
const BATCH: usize = 8;

/// Runs `work` on every item on `jobs` threads (rayon's default when `None`) and calls `sink` on
/// the calling thread with each result, in item order. Stops early when `sink` returns `false`
/// (the remaining items are not started).
pub fn map<T, R, W, S>(items: &[T], jobs: Option<usize>, work: W, sink: S)
where
    T: Sync,
    R: Send,
    W: Fn(&T) -> R + Sync,
    S: FnMut(R) -> bool,
{
    match jobs.and_then(|n| rayon::ThreadPoolBuilder::new().num_threads(n).build().ok()) {
        Some(pool) => {
            let workers = pool.current_num_threads();
            pool.in_place_scope(|scope| run(scope, workers, items, &work, sink));
        }
        None => {
            let workers = rayon::current_num_threads();
            rayon::in_place_scope(|scope| run(scope, workers, items, &work, sink));
        }
    }
}

/// The body of [`map`]: spawns the workers into `scope`, then feeds the sink on this thread.
fn run<'s, T, R, W, S>(
    scope: &rayon::Scope<'s>,
    workers: usize,
    items: &'s [T],
    work: &'s W,
    mut sink: S,
) where
    T: Sync,
    R: Send + 's,
    W: Fn(&T) -> R + Sync,
    S: FnMut(R) -> bool,
{
    let next = std::sync::Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::sync_channel::<(usize, Vec<R>)>(IN_FLIGHT);
    for _ in 0..workers.max(1) {
        let (tx, next) = (tx.clone(), next.clone());
        scope.spawn(move |_| loop {
            let start = next.fetch_add(BATCH, Ordering::Relaxed);
            let Some(batch) = items.get(start..(start + BATCH).min(items.len())) else {
                break;
            };
            if batch.is_empty() || tx.send((start, batch.iter().map(work).collect())).is_err() {
                break;
            }
        });
    }
    drop(tx);
    let mut early: BTreeMap<usize, Vec<R>> = BTreeMap::new();
    let mut want = 0;
    for (start, batch) in rx.iter() {
        early.insert(start, batch);
        while let Some(batch) = early.remove(&want) {
            want += BATCH;
            for r in batch {
                if !sink(r) {
                    // Stop the workers: no new batch starts, and the channel closes.
                    next.store(items.len(), Ordering::Relaxed);
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order_whatever_the_threads() {
        let items: Vec<u64> = (0..2_000).collect();
        for jobs in [Some(1), Some(3), None] {
            let mut seen = Vec::new();
            // Uneven work, so that later items often finish first.
            map(
                &items,
                jobs,
                |&i| {
                    if i % 7 == 0 {
                        std::thread::sleep(std::time::Duration::from_micros(50));
                    }
                    i * 2
                },
                |r| {
                    seen.push(r);
                    true
                },
            );
            assert_eq!(seen, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_sink_that_stops_ends_the_run() {
        let items: Vec<u32> = (0..10_000).collect();
        let mut seen = 0;
        map(
            &items,
            Some(2),
            |&i| i,
            |_| {
                seen += 1;
                seen < 5
            },
        );
        assert_eq!(seen, 5);
    }
}
