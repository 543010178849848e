//! Runs statements of one connection as a pipeline: all are sent before the first answer is
//! awaited, in the order given.
//!
//! tokio-postgres sends a statement when its future is first polled, and answers come back in
//! the order the statements were sent. So polling every future once, in order, puts them on the
//! wire in that order (a transaction block stays a block: `BEGIN` first, `COMMIT` last); after
//! that only the earliest unanswered one can finish next, so later ones are polled again only
//! once it has.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

/// One statement's future, as [`run`] takes it.
pub type Step<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Drives `steps` to completion, sending them in order; their outputs in the same order.
pub async fn run<T>(steps: Vec<Step<'_, T>>) -> Vec<T> {
    let total = steps.len();
    let mut steps: Vec<Option<Step<'_, T>>> = steps.into_iter().map(Some).collect();
    let mut outputs: Vec<Option<T>> = (0..total).map(|_| None).collect();
    // Every step before `first` is done; every step before `sent` has been polled once.
    let mut first = 0;
    let mut sent = 0;
    std::future::poll_fn(|cx| {
        let mut waiting = false;
        let mut index = first;
        while index < total {
            if waiting && index < sent {
                // Sent, and an earlier answer is still due: none of these can be done before
                // it. Go on with the steps not sent yet, so they go out behind the others.
                index = sent;
                continue;
            }
            if let Some(step) = steps[index].as_mut() {
                sent = sent.max(index + 1);
                match step.as_mut().poll(cx) {
                    Poll::Ready(output) => {
                        outputs[index] = Some(output);
                        steps[index] = None;
                    }
                    Poll::Pending => waiting = true,
                }
            }
            index += 1;
        }
        while first < total && steps[first].is_none() {
            first += 1;
        }
        if first == total {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[tokio::test]
    async fn steps_start_in_order_and_outputs_keep_it() {
        let started = Arc::new(Mutex::new(Vec::new()));
        let (release, released) = tokio::sync::watch::channel(false);
        let steps: Vec<Step<'_, usize>> = (0..40)
            .map(|i| {
                let started = started.clone();
                let mut released = released.clone();
                let step: Step<'_, usize> = Box::pin(async move {
                    started.lock().map(|mut s| s.push(i)).ok();
                    // Every step waits until all have started.
                    let _ = released.wait_for(|r| *r).await;
                    i * 2
                });
                step
            })
            .collect();
        let driver = tokio::spawn(run(steps));
        while started.lock().map(|s| s.len()).unwrap_or(0) < 40 {
            tokio::task::yield_now().await;
        }
        let _ = release.send(true);
        let outputs = driver.await.expect("driver");
        assert_eq!(outputs, (0..40).map(|i| i * 2).collect::<Vec<_>>());
        let order = started.lock().map(|s| s.clone()).unwrap_or_default();
        assert_eq!(order, (0..40).collect::<Vec<_>>());
    }
}
