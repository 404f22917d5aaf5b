//! The same contract, checked on the in-process store and, in the MariaDB + Redis pass
//! (`YUJIE_TEST_BACKEND=mysql`), on Redis at `YUJIE_TEST_REDIS_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use yujie_kv::{Kv, MemoryKv, RedisKv};

async fn stores() -> Vec<Box<dyn Kv>> {
    let mut stores: Vec<Box<dyn Kv>> = vec![Box::new(MemoryKv::new())];
    if std::env::var("YUJIE_TEST_BACKEND").as_deref() == Ok("mysql") {
        let url = std::env::var("YUJIE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
        let prefix = format!("kvtest-{}", uuid::Uuid::new_v4().simple());
        stores.push(Box::new(RedisKv::connect(&url, &prefix).await.unwrap()));
    }
    stores
}

#[tokio::test]
async fn set_get_delete_and_expiry() {
    for kv in stores().await {
        assert_eq!(kv.get("a").await.unwrap(), None, "{}", kv.backend());
        kv.set("a", "1", Duration::from_secs(60)).await.unwrap();
        assert_eq!(kv.get("a").await.unwrap().as_deref(), Some("1"));
        assert!(!kv.set_if_absent("a", "2", Duration::from_secs(60)).await.unwrap());
        assert_eq!(kv.get("a").await.unwrap().as_deref(), Some("1"));
        kv.delete("a").await.unwrap();
        assert!(kv.set_if_absent("a", "3", Duration::from_millis(50)).await.unwrap());
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert_eq!(kv.get("a").await.unwrap(), None, "{} kept an expired key", kv.backend());
    }
}

#[tokio::test]
async fn window_counts_then_resets() {
    for kv in stores().await {
        let window = Duration::from_millis(200);
        assert_eq!(kv.incr_window("w", window).await.unwrap().0, 1);
        let (count, left) = kv.incr_window("w", window).await.unwrap();
        assert_eq!(count, 2);
        assert!(left <= window && left > Duration::ZERO);
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(kv.incr_window("w", window).await.unwrap().0, 1, "{}", kv.backend());
    }
}

#[tokio::test]
async fn capped_counter_grants_exactly_the_limit_under_concurrency() {
    for kv in stores().await {
        let kv: std::sync::Arc<dyn Kv> = kv.into();
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let kv = kv.clone();
                tokio::spawn(async move { kv.incr_capped("cap", 20, Duration::from_secs(60)).await.unwrap() })
            })
            .collect();
        let mut granted = 0;
        for task in tasks {
            granted += u32::from(task.await.unwrap().is_some());
        }
        assert_eq!(granted, 20, "{}", kv.backend());
        assert_eq!(kv.counter("cap").await.unwrap(), 20, "{}", kv.backend());
        kv.decr_window("cap").await.unwrap();
        assert_eq!(kv.incr_capped("cap", 20, Duration::from_secs(60)).await.unwrap(), Some(20));
    }
}

#[tokio::test]
async fn publish_wakes_subscriber_but_not_others() {
    for kv in stores().await {
        let mut waiting = kv.subscribe("login:1");
        let mut other = kv.subscribe("login:2");
        kv.publish("login:1").await.unwrap();
        tokio::time::timeout(Duration::from_secs(2), waiting.notified()).await.expect("subscriber was not woken");
        assert!(tokio::time::timeout(Duration::from_millis(200), other.notified()).await.is_err());
    }
}
