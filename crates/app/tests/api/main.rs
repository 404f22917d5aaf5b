//! The whole API over real HTTP, on random ports. Run on SQLite + the in-process store
//! by default, and on MariaDB + Redis with `YUJIE_TEST_BACKEND=mysql`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod companion_helpers;
mod content_helpers;
mod helpers;
mod safety_helpers;

mod authorization;
mod billing;
mod billing_authorization;
mod billing_helpers;
mod billing_reconcile;
mod billing_refusals;
mod callback;
mod companion_authorization;
mod companion_chat;
mod companion_openai;
mod companion_quota;
mod companion_sync;
mod companion_voice;
mod connections;
mod content_authorization;
mod content_authorization_posts;
mod content_discussion;
mod content_feed;
mod content_feed_cache;
mod content_own_posts;
mod content_personas;
mod content_photos;
mod content_posts;
mod exif;
mod input_text;
mod kv_outage;
mod login;
mod mariadb;
mod platform;
mod profile;
mod safety_chat;
mod safety_lexicon;
mod safety_recheck;
mod safety_writes;
mod sessions;
mod sql_count;
mod upload_memory;
mod waits;
mod web_app;
