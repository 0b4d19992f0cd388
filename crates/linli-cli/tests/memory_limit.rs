//! Issue 14's hostile cases under a 512 MiB memory limit: the `linli` binary is run with its
//! address space capped (`prlimit --as`, Linux), as a small server or CI box would, and every
//! case must end with its typed error and a normal exit code: no allocation abort, no signal,
//! no partial output file. A first call on the real Futian data under the same cap shows that
//! the cap leaves room for honest work, so the other cases fail for their own reason.
//!
//! Each run has a generous guard (60 s) so that a hang fails the test instead of stalling CI;
//! it is a hang detector, not a speed limit (speed is in the benchmark tables).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The address-space cap, bytes.
const LIMIT_BYTES: u64 = 512 * 1024 * 1024;
/// A run that takes longer than this has hung.
const HANG_GUARD: Duration = Duration::from_secs(60);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn build_fixture(name: &str) -> PathBuf {
    root().join("crates/linli-build/tests/fixtures").join(name)
}

fn bundle_fixture(name: &str) -> PathBuf {
    root()
        .join("crates/linli-core/tests/fixtures/bundles")
        .join(name)
}

fn prlimit() -> Option<&'static str> {
    ["/usr/bin/prlimit", "/bin/prlimit"]
        .into_iter()
        .find(|p| Path::new(p).exists())
}

/// Runs `linli args…` with the address space capped; `None` when the system has no prlimit.
fn limited(args: &[&str]) -> Option<Output> {
    let prlimit = prlimit()?;
    let mut child = Command::new(prlimit)
        .arg(format!("--as={LIMIT_BYTES}"))
        .arg(env!("CARGO_BIN_EXE_linli"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run prlimit linli");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait for linli").is_some() {
            break;
        }
        if started.elapsed() > HANG_GUARD {
            let _ = child.kill();
            panic!("linli {args:?} still running after {HANG_GUARD:?} under the memory cap");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(child.wait_with_output().expect("collect output"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// Asserts a clean failure: exit code 1 or 2 (not a signal, not the 134 of an abort), no
/// panic text, and `expected` in the message.
fn refused(out: &Output, expected: &str) {
    let stderr = text(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "expected a clean error exit, got {:?}: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("memory allocation"), "{stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in: {stderr}"
    );
}

/// `linli build` on the 363-byte .osm whose two streets made the snapping grid ask for 136 GB,
/// writing to `out`, under the cap.
fn build_far_apart(out: &str) -> Output {
    let osm = build_fixture("hostile/far-apart-streets.osm");
    let services = build_fixture("tiny-town-services.csv");
    limited(&[
        "build",
        "--osm",
        osm.to_str().expect("utf-8 path"),
        "--services",
        services.to_str().expect("utf-8 path"),
        "--date",
        "2026-11-22",
        "--out",
        out,
    ])
    .expect("prlimit present")
}

#[test]
fn hostile_input_ends_in_its_error_under_512_mib() {
    let Some(_) = prlimit() else {
        eprintln!("prlimit not found: skipped (Linux util-linux provides it)");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("futian.linli");
    let out_s = out.to_str().expect("utf-8 path");
    let osm = root().join("data/osm/shenzhen-futian.osm.pbf");
    let services = root().join("data/sample/futian-services.csv");

    // Honest work fits: the real Futian build and a query, under the same cap.
    let built = limited(&[
        "build",
        "--osm",
        osm.to_str().expect("utf-8 path"),
        "--services",
        services.to_str().expect("utf-8 path"),
        "--date",
        "2026-11-22",
        "--out",
        out_s,
    ])
    .expect("prlimit present");
    assert!(built.status.success(), "{}", text(&built.stderr));
    let nearest = limited(&[
        "nearest", "--bundle", out_s, "--lat", "22.5405", "--lng", "114.0235", "--json",
    ])
    .expect("prlimit present");
    assert!(nearest.status.success(), "{}", text(&nearest.stderr));
    assert!(text(&nearest.stdout).contains("donghai-canteen"));

    // The 363-byte .osm whose two streets made the snapping grid ask for 136 GB.
    let bomb_out = dir.path().join("bomb.linli");
    let far = build_far_apart(bomb_out.to_str().expect("utf-8 path"));
    refused(&far, "more than the 2 × 2 degrees a bundle may cover");
    assert!(!bomb_out.exists(), "a refused build writes nothing");

    // Crafted bundles: each query ends in the decoder's typed error.
    for (file, expected) in [
        ("world-corners.linli", "degrees"),
        ("point-outside-bbox.linli", "outside"),
        ("huge-count.linli", "truncated"),
        ("huge-delta.linli", "overflows"),
        ("edge-to-missing-node.linli", "node"),
    ] {
        let path = bundle_fixture(file);
        let path = path.to_str().expect("utf-8 path");
        for args in [
            vec![
                "nearest", "--bundle", path, "--lat", "22.54", "--lng", "114.02",
            ],
            vec!["coverage", "--bundle", path, "--kind", "canteen"],
            vec!["search", "--bundle", path, "--q", "cgm"],
        ] {
            let out = limited(&args).expect("prlimit present");
            refused(&out, file);
            let stderr = text(&out.stderr).to_lowercase();
            assert!(
                stderr.contains(expected),
                "{args:?}: expected {expected:?} in {stderr}"
            );
        }
    }

    // A failed build over a good bundle leaves the good bundle as it was.
    let before = std::fs::read(&out).expect("read the good bundle");
    let failed = build_far_apart(out_s);
    refused(&failed, "more than the 2 × 2 degrees");
    assert_eq!(
        std::fs::read(&out).expect("read again"),
        before,
        "the previous bundle is intact"
    );
}
