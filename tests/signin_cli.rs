//! `mailscope signin` / `signout` as an admin runs them, against the simulated tenant with
//! sign-ins approved automatically: device code on request and where no browser can reach
//! this computer (SSH), who signed in printed, no token anywhere in the output.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output};

use mailscope::sim::{Scenario, start};

const TENANT: &str = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f";
const SCENARIO: &str = r#"
tenant_id = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f"
domains = ["contoso.onmicrosoft.com"]
auto_approve = "admin@contoso.onmicrosoft.com"
device_code_interval_s = 0

[[admin]]
upn = "admin@contoso.onmicrosoft.com"
display_name = "Adele Vance"
roles = ["Cloud Application Administrator"]
"#;

fn run(home: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mailscope"));
    c.args(args)
        .env("MAILSCOPE_HOME", home)
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}/no-bus", home.display()),
        )
        .env_remove("SSH_CONNECTION")
        .env_remove("SSH_TTY")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    for (k, v) in envs {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signin_by_device_code_prints_who_and_never_a_token() {
    let scenario = Scenario::from_toml(SCENARIO, Path::new("."), "t").unwrap();
    let h = start(scenario, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let profile = format!(
        "version = 1\nname = \"sim\"\npreset = \"kundo\"\ncloud = \"custom\"\ntenant = \"contoso.onmicrosoft.com\"\nclient_id = \"b1c2d3e4-0000-4000-8000-000000000001\"\n\n[endpoints]\nauthority = \"{}\"\ngraph = \"{}\"\nca_file = \"{}\"\n",
        h.authority,
        h.graph,
        h.ca_file.display()
    );
    let file = home.path().join("sim.toml");
    std::fs::write(&file, profile).unwrap();
    let home_path = home.path().to_path_buf();
    let outputs = tokio::task::spawn_blocking(move || {
        let h = home_path.as_path();
        let import = run(h, &["profile", "import", file.to_str().unwrap()], &[]);
        assert!(import.status.success(), "{:?}", text(&import));
        let device = run(
            h,
            &[
                "signin",
                "--profile",
                "sim",
                "--device-code",
                "--no-remember",
            ],
            &[],
        );
        // Over SSH the browser cannot reach this computer: device code without asking.
        let ssh = run(
            h,
            &["signin", "--profile", "sim"],
            &[("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")],
        );
        let bad = run(h, &["signin", "--tenant", "common"], &[]);
        (device, ssh, bad)
    })
    .await
    .unwrap();
    let (device, ssh, bad) = outputs;
    for (o, remembered) in [(&device, false), (&ssh, true)] {
        let (out, err) = text(o);
        assert!(o.status.success(), "{out}{err}");
        assert!(err.contains("enter the code"), "{err}");
        assert!(
            out.contains("Signed in as admin@contoso.onmicrosoft.com (Adele Vance)"),
            "{out}"
        );
        assert!(out.contains(&format!("Tenant: {TENANT}")), "{out}");
        assert!(
            out.contains("Directory roles: Cloud Application Administrator"),
            "{out}"
        );
        // No JWT (access or id token) and no refresh token in any output.
        assert!(!out.contains("eyJ") && !err.contains("eyJ"), "{out}{err}");
        assert!(!out.contains("0.A") && !err.contains("0.A"), "{out}{err}");
        if remembered {
            // No keyring on this machine (no D-Bus): said plainly, and the sign-in still works.
            assert!(out.contains("Not remembered:"), "{out}");
        } else {
            assert!(out.contains("--no-remember"), "{out}");
        }
    }
    let (_, err) = text(&bad);
    assert_eq!(bad.status.code(), Some(2));
    assert!(err.contains("--tenant") && err.contains("common"), "{err}");
    h.shutdown().await;
}
