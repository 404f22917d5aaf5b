//! Fault-injection points: named places in the code where a test can make the process
//! stop dead (then kill it with SIGKILL) to show what a crash there leaves behind. They
//! exist only with the `fault-injection` feature, which only the test suite turns on;
//! in every other build [`point`] does nothing.

#[cfg(feature = "fault-injection")]
mod armed {
    use std::{
        collections::HashSet,
        sync::{Mutex, OnceLock, PoisonError},
    };

    fn points() -> &'static Mutex<HashSet<String>> {
        static POINTS: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
        POINTS.get_or_init(Mutex::default)
    }

    /// Arms `name`: the next time the code reaches it, it prints
    /// `fault point reached: <name>` on stdout and never goes on.
    pub fn arm(name: &str) {
        points().lock().unwrap_or_else(PoisonError::into_inner).insert(name.to_owned());
    }

    pub(super) fn announce(name: &str) {
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "fault point reached: {name}");
        let _ = stdout.flush();
    }

    pub(super) fn is_armed(name: &str) -> bool {
        points().lock().unwrap_or_else(PoisonError::into_inner).contains(name)
    }
}

#[cfg(feature = "fault-injection")]
pub use armed::arm;

/// A place a test may stop the process at (see the module comment).
pub async fn point(name: &'static str) {
    #[cfg(feature = "fault-injection")]
    if armed::is_armed(name) {
        armed::announce(name);
        std::future::pending::<()>().await;
    }
    #[cfg(not(feature = "fault-injection"))]
    let _ = name;
}
