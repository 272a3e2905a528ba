//! Checks off the message loop: one worker thread checks policies while the loop answers
//! requests. A burst of edits is checked once, at its last version: jobs waiting together are
//! taken newest first per policy, and a job that a newer edit supersedes is given up as soon
//! as its text is parsed (before validation, the long part); its result, if any, is never
//! published.

use super::analysis::{analyse_until, Analysis};
use crossbeam_channel::{unbounded, Receiver, Sender};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// One policy to check, as its document was when the job was made.
pub struct Job {
    /// Unique per job: a result is taken only from the job still expected.
    pub id: u64,
    pub key: String,
    pub version: i32,
    pub path: PathBuf,
    pub text: String,
    /// Open buffers the check may read instead of files (the policy's matrix).
    pub buffers: HashMap<PathBuf, String>,
    /// Set when a newer edit supersedes the job.
    pub cancel: Arc<AtomicBool>,
}

/// A finished job: the analysis, or `None` when it was given up.
pub struct Done {
    pub id: u64,
    pub key: String,
    pub version: i32,
    pub analysis: Option<Analysis>,
}

pub struct Worker {
    jobs: Sender<Job>,
    pub done: Receiver<Done>,
}

impl Worker {
    pub fn start() -> Worker {
        let (jobs, todo) = unbounded::<Job>();
        let (finished, done) = unbounded::<Done>();
        std::thread::spawn(move || {
            while let Ok(first) = todo.recv() {
                // what waits together: the newest job of each policy, in the order they came
                let mut batch: Vec<Job> = vec![first];
                for j in todo.try_iter() {
                    match batch.iter_mut().find(|b| b.key == j.key) {
                        Some(b) => {
                            b.cancel.store(true, Ordering::Relaxed);
                            let _ = finished.send(Done {
                                id: b.id,
                                key: b.key.clone(),
                                version: b.version,
                                analysis: None,
                            });
                            *b = j;
                        }
                        None => batch.push(j),
                    }
                }
                for job in batch {
                    let analysis = if job.cancel.load(Ordering::Relaxed) {
                        None
                    } else {
                        let read = |p: &std::path::Path| job.buffers.get(p).cloned();
                        analyse_until(&job.path, &job.text, &read, &job.cancel)
                    };
                    let out = Done {
                        id: job.id,
                        key: job.key,
                        version: job.version,
                        analysis,
                    };
                    if finished.send(out).is_err() {
                        return;
                    }
                }
            }
        });
        Worker { jobs, done }
    }

    pub fn submit(&self, job: Job) {
        let _ = self.jobs.send(job);
    }
}
