//! The whole API over real HTTP, on random ports. Run on SQLite + the in-process store
//! by default, and on MariaDB + Redis with `YUJIE_TEST_BACKEND=mysql`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod authorization;
mod callback;
mod login;
mod multi_instance;
mod platform;
mod profile;
mod sessions;
