//! The in-process store with a million live keys: every operation must stay cheap
//! however many keys it holds. `cargo bench -p yujie-kv --bench memory_kv`; the numbers
//! are recorded in docs/benchmarks.md.

use std::time::{Duration, Instant};

use yujie_kv::{Kv as _, MemoryKv};

const KEYS: usize = 1_000_000;
const OPS: usize = 200_000;

fn per_op(started: Instant, ops: usize) -> String {
    let nanos = started.elapsed().as_nanos() / ops as u128;
    format!("{nanos} ns/op")
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let kv = MemoryKv::new();
    let started = Instant::now();
    for n in 0..KEYS {
        kv.set(&format!("session:{n}"), "1", Duration::from_secs(600 + (n % 600) as u64)).await?;
    }
    println!("fill {KEYS} keys: {}", per_op(started, KEYS));

    let started = Instant::now();
    for n in 0..OPS {
        kv.get(&format!("session:{}", (n * 7919) % KEYS)).await?;
    }
    println!("get with {KEYS} live keys: {}", per_op(started, OPS));

    let started = Instant::now();
    for n in 0..OPS {
        kv.incr_window(&format!("rl:ip:{}", n % 5000), Duration::from_secs(60)).await?;
    }
    println!("incr_window with {KEYS} live keys: {}", per_op(started, OPS));

    let started = Instant::now();
    for n in 0..OPS {
        kv.set(&format!("session:{}", (n * 104_729) % KEYS), "2", Duration::from_secs(900)).await?;
    }
    println!("overwrite with {KEYS} live keys: {}", per_op(started, OPS));

    // A million keys that expire at once, then one operation that drops them.
    let short = MemoryKv::new();
    for n in 0..KEYS {
        short.set(&format!("wait:{n}"), "1", Duration::from_millis(200)).await?;
    }
    tokio::time::sleep(Duration::from_millis(250)).await;
    let started = Instant::now();
    short.get("wait:0").await?;
    println!("first operation after {KEYS} keys expired: {:.0} ms", started.elapsed().as_secs_f64() * 1000.0);
    let started = Instant::now();
    for n in 0..OPS {
        short.get(&format!("wait:{n}")).await?;
    }
    println!("get while the expired keys are dropped: {}", per_op(started, OPS));
    Ok(())
}
