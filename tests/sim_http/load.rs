//! Load measurement (ignored by default; `scripts/sim_load.sh` runs it): a 1,000-mailbox sim in
//! its own process, driven over loopback; reports the sim's CPU time against wall time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::Semaphore;

use crate::support::{client, signal, spawn_binary};

/// utime + stime of a process in seconds (Linux `/proc/PID/stat`, clock ticks of 100 Hz).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    ticks / 100.0
}

#[test]
#[ignore = "measurement; run with scripts/sim_load.sh"]
fn load_1000_mailboxes_cpu_fraction() {
    let requests: usize = std::env::var("SIM_LOAD_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6000);
    let concurrency: usize = std::env::var("SIM_LOAD_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/scenarios/load-1000.toml"
    );
    let (mut child, ready) = spawn_binary(scenario);
    let pid = child.id();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (wall, cpu, statuses) = rt.block_on(async {
        let ca = std::fs::read_to_string(ready["ca_file"].as_str().unwrap()).unwrap();
        let c = client(&ca);
        let graph = ready["graph"].as_str().unwrap().to_string();
        let token_url = format!(
            "{}/{}/oauth2/v2.0/token",
            ready["authority"].as_str().unwrap(),
            ready["tenant_id"].as_str().unwrap()
        );
        let scope = format!("{graph}/.default");
        let tok: Value = c
            .post(token_url)
            .form(&[
                ("client_id", "b1c2d3e4-0000-4000-8000-000000000001"),
                ("client_secret", "demo~secret~value"),
                ("scope", &scope),
                ("grant_type", "client_credentials"),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = tok["access_token"].as_str().unwrap().to_string();
        let cpu0 = cpu_seconds(pid);
        let t0 = Instant::now();
        let sem = Arc::new(Semaphore::new(concurrency));
        let mut tasks = Vec::new();
        for i in 0..requests {
            let n = i % 1000 + 1;
            let path = match i % 3 {
                0 => format!("/v1.0/users/agent{n}@contoso.com"),
                1 => format!("/v1.0/users/agent{n}@contoso.com/mailFolders/inbox"),
                _ => format!("/v1.0/users/agent{n}@contoso.com/messages?$top=1&$select=subject"),
            };
            let (c, url, token, sem) = (
                c.clone(),
                format!("{graph}{path}"),
                token.clone(),
                sem.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let _p = sem.acquire_owned().await.unwrap();
                let r = c
                    .get(url)
                    .bearer_auth(token)
                    .timeout(Duration::from_secs(30));
                match r.send().await {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        r.bytes().await.map(|_| status).unwrap_or(1)
                    }
                    Err(e) => {
                        eprintln!("request failed: {e:?}");
                        0
                    }
                }
            }));
        }
        let mut statuses = std::collections::BTreeMap::new();
        for t in tasks {
            *statuses.entry(t.await.unwrap()).or_insert(0u64) += 1;
        }
        (
            t0.elapsed().as_secs_f64(),
            cpu_seconds(pid) - cpu0,
            statuses,
        )
    });
    signal(&child, "-TERM");
    let _ = child.wait();
    let fraction = cpu / (wall * 2.0);
    println!(
        "sim load: {requests} Graph requests over 1000 mailboxes, concurrency {concurrency}: wall {wall:.2} s, sim CPU {cpu:.2} s = {:.1}% of one core, {:.1}% of two cores; {:.0} req/s; statuses {statuses:?}",
        100.0 * cpu / wall,
        100.0 * fraction,
        requests as f64 / wall
    );
    assert_eq!(
        statuses.get(&200).copied().unwrap_or(0),
        requests as u64,
        "{statuses:?}"
    );
}
