//! Each example's output is the file the book shows, or, for those that
//! measure, runs without error.

#[path = "../../golden.rs"]
mod golden;

#[test]
fn first_pool() {
    golden::check("first_pool", &[], "first_pool");
}

#[test]
fn boss_worker() {
    golden::check("boss_worker", &[], "boss_worker");
}

#[test]
fn waiting_jobs_runs_small() {
    golden::check_runs(
        "waiting_jobs",
        &["tasklets", "100", "1"],
        "100 jobs of 1 ms on 100 tasklets",
    );
    golden::check_runs(
        "waiting_jobs",
        &["threads", "20", "1"],
        "20 jobs of 1 ms on 20 threads",
    );
}
