//! Ceremony SRSs: snarkjs `.ptau` import (`zkonnx srs import`), labels (`zkonnx srs info`),
//! `zkonnx get-srs` against a local HTTP server, and a proof with an imported SRS.
//!
//! The tests that need snarkjs (npm's `snarkjs@0.7.6`, installed into `target/snarkjs` on first
//! use) or `../shared/srs` are `#[ignore]`d in a plain `cargo test`; run them with
//!   ZKONNX_SHARED=../shared cargo test --release --test srs_ceremony -- --include-ignored

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use halo2curves::bn256::{Fq2, Fr, G1Affine, G2Affine, G1, G2};
use halo2curves::ff::Field;
use halo2curves::group::{Curve, Group};
use halo2curves::serde::SerdeObject;
use halo2curves::{CurveAffine, CurveExt};
use rand::rngs::StdRng;
use rand::SeedableRng;
use zkonnx::srs::{self, ptau, SrsError, SrsLabel};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("zkonnx-srs-ceremony-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Run the CLI in `dir`; `(success, stdout + stderr)`.
fn zk_status(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zkonnx"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn zk(dir: &Path, args: &str) -> String {
    let (ok, text) = zk_status(dir, &args.split_whitespace().collect::<Vec<_>>());
    assert!(ok, "zkonnx {args} failed:\n{text}");
    text
}

/// The value of `key: ` in `zkonnx srs info` output.
fn field<'a>(out: &'a str, key: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("no `{key}:` in\n{out}"))
}

// ---------------------------------------------------------------------------------------------
// a .ptau written here, for a secret the test knows (snarkjs's layout: sections 1, 2, 3)

fn section(out: &mut Vec<u8>, id: u32, data: &[u8]) {
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&(data.len() as u64).to_le_bytes());
    out.extend_from_slice(data);
}

fn powers<C: Curve + Group<Scalar = Fr>>(g: C, tau: Fr, n: usize) -> Vec<C::AffineRepr>
where
    C::AffineRepr: Default + Copy,
{
    let mut proj = Vec::with_capacity(n);
    let mut p = g;
    for _ in 0..n {
        proj.push(p);
        p *= tau;
    }
    let mut aff = vec![C::AffineRepr::default(); n];
    C::batch_normalize(&proj, &mut aff);
    aff
}

fn fake_ptau(tau: Fr, power: u32) -> Vec<u8> {
    let n = 1usize << power;
    let mut header = vec![];
    header.extend_from_slice(&32u32.to_le_bytes());
    let q = "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";
    let mut qb: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&q[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    qb.reverse();
    header.extend_from_slice(&qb);
    header.extend_from_slice(&power.to_le_bytes());
    header.extend_from_slice(&power.to_le_bytes());
    let g1: Vec<u8> = powers(G1::generator(), tau, 2 * n - 1)
        .iter()
        .flat_map(|p: &G1Affine| p.to_raw_bytes())
        .collect();
    let g2: Vec<u8> = powers(G2::generator(), tau, n)
        .iter()
        .flat_map(|p: &G2Affine| p.to_raw_bytes())
        .collect();
    let mut out = b"ptau".to_vec();
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&3u32.to_le_bytes());
    section(&mut out, 1, &header);
    section(&mut out, 2, &g1);
    section(&mut out, 3, &g2);
    out
}

const HEAD: usize = 12; // "ptau", version, section count
const S1: usize = HEAD + 12; // section 1's data
const S2: usize = S1 + 44 + 12; // section 2's data (section 1 is 44 bytes)

fn s3(power: u32) -> usize {
    S2 + (2 * (1usize << power) - 1) * 64 + 12
}

#[test]
fn import_is_halo2s_setup_for_the_same_secret() {
    let tau = Fr::random(StdRng::seed_from_u64(41));
    let file = fake_ptau(tau, 6);
    // k = 0 has no g[1]: the check that g[1] and s·g2 hide one secret cannot run, so no SRS
    // of one point is accepted (no circuit has one row)
    let e = ptau::import(&file, 0).unwrap_err().to_string();
    assert!(e.contains("k = 0: no g[1]"), "{e}");
    let mut fingerprints = vec![];
    for k in [1u32, 4, 6] {
        let imported = ptau::import(&file, k).unwrap();
        // the same bytes as halo2-axiom's `ParamsKZG::setup` with that secret: monomial and
        // Lagrange points (halo2's root of unity), g2, s_g2
        assert_eq!(imported, srs::params_from_secret_unsafe(k, tau), "k = {k}");
        let i = srs::info(&imported).unwrap();
        assert_eq!(i.k, k);
        assert_eq!(i.label, SrsLabel::Unrecognised);
        fingerprints.push(i.fingerprint);
        srs::load_for_k(&imported, k).unwrap();
    }
    assert!(fingerprints.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(
        ptau::parse(&file).unwrap().s_g2_raw(),
        srs::info(&ptau::import(&file, 2).unwrap()).unwrap().s_g2
    );
}

#[test]
fn broken_ptau_files_are_typed_errors() {
    let power = 4;
    let good = fake_ptau(Fr::random(StdRng::seed_from_u64(42)), power);
    let err = |b: &[u8], k: u32| ptau::import(b, k).unwrap_err();
    let edit = |at: usize, bytes: &[u8]| {
        let mut b = good.clone();
        b[at..at + bytes.len()].copy_from_slice(bytes);
        b
    };

    // truncated anywhere: the section it cuts is named
    for cut in [0, 7, 20, S1 + 10, S2 + 100, s3(power) + 5, good.len() - 1] {
        match err(&good[..cut], 2) {
            SrsError::PtauTruncated { what, .. } => {
                let want = if cut < HEAD {
                    "file header"
                } else if cut < S2 {
                    "section"
                } else if cut < s3(power) {
                    "section 2 (tauG1"
                } else {
                    "section 3 (tauG2"
                };
                assert!(what.contains(want), "cut at {cut}: {what}");
            }
            e => panic!("cut at {cut}: {e}"),
        }
    }
    assert!(matches!(err(&edit(0, b"ptaX"), 2), SrsError::PtauMagic(m) if &m == b"ptaX"));
    assert!(matches!(
        err(&edit(4, &2u32.to_le_bytes()), 2),
        SrsError::PtauVersion(2)
    ));
    // another curve: n8, then q
    let e = err(&edit(S1, &48u32.to_le_bytes()), 2);
    assert!(
        matches!(e, SrsError::PtauWrongCurve { field: "n8", .. }),
        "{e}"
    );
    let e = err(&edit(S1 + 4, &[0x01]), 2);
    assert!(
        matches!(e, SrsError::PtauWrongCurve { field: "q", .. }),
        "{e}"
    );
    assert!(e.to_string().contains("BN254"), "{e}");
    // a section id changed: the tauG2 section is missing
    let e = err(&edit(s3(power) - 12, &9u32.to_le_bytes()), 2);
    assert!(
        matches!(e, SrsError::PtauMissingSection { id: 3, .. }),
        "{e}"
    );
    // a header that claims more powers than the sections hold
    let e = err(&edit(S1 + 36, &5u32.to_le_bytes()), 2);
    assert!(
        matches!(
            e,
            SrsError::PtauSectionSize {
                id: 2,
                power: 5,
                ..
            }
        ),
        "{e}"
    );
    // k above the file's power
    let e = err(&good, power + 1);
    assert!(
        matches!(e, SrsError::PtauTooSmall { power: 4, k: 5 }),
        "{e}"
    );
    // a G1 point off the curve
    let mut b = good.clone();
    b[S2 + 3 * 64 + 5] ^= 1;
    let e = err(&b, 3);
    assert!(
        matches!(
            e,
            SrsError::PtauPoint {
                id: 2,
                index: 3,
                ..
            }
        ),
        "{e}"
    );
    // a G1 point on the curve but not the next power: the pairing check
    let mut b = good.clone();
    b.copy_within(S2 + 6 * 64..S2 + 7 * 64, S2 + 5 * 64);
    assert!(matches!(err(&b, 3), SrsError::PtauPairing(_)));
    // past 2^k the G1 points are not read: still fine at k = 2
    ptau::import(&b, 2).unwrap();
    // τ·G2 of another secret: e(τG1, G2) ≠ e(G1, τ'G2)
    let other = fake_ptau(Fr::from(7u64), power);
    let mut b = good.clone();
    b[s3(power) + 128..s3(power) + 256].copy_from_slice(&other[s3(power) + 128..s3(power) + 256]);
    let e = err(&b, 2);
    assert!(
        matches!(e, SrsError::PtauPairing(m) if m.contains("different secrets")),
        "{e}"
    );
    // τ^0·G2 not the generator
    let mut b = good.clone();
    b.copy_within(s3(power) + 128..s3(power) + 256, s3(power));
    let e = err(&b, 2);
    assert!(
        matches!(
            e,
            SrsError::PtauPoint {
                id: 3,
                index: 0,
                ..
            }
        ),
        "{e}"
    );
    // a G2 point on the curve but outside the prime-order subgroup
    let mut b = good.clone();
    b[s3(power) + 128..s3(power) + 256].copy_from_slice(&g2_outside_subgroup().to_raw_bytes());
    let e = err(&b, 2);
    assert!(
        matches!(e, SrsError::PtauPoint { id: 3, index: 1, why, .. } if why.contains("subgroup")),
        "{e}"
    );
    // coordinates not below the modulus
    let mut b = good.clone();
    b[s3(power) + 128..s3(power) + 160].copy_from_slice(&[0xff; 32]);
    let e = err(&b, 2);
    assert!(
        matches!(
            e,
            SrsError::PtauPoint {
                id: 3,
                index: 1,
                ..
            }
        ),
        "{e}"
    );
}

/// A point of BN254's G2 curve (the twist) outside the r-torsion subgroup.
fn g2_outside_subgroup() -> G2Affine {
    let b = G2::b();
    for i in 1u64.. {
        let x = Fq2::from(i);
        let y2 = x.square() * x + b;
        if let Some(y) = Option::<Fq2>::from(y2.sqrt()) {
            let p = Option::<G2Affine>::from(G2Affine::from_xy(x, y)).expect("on the curve");
            let q = G2::from(p);
            if !bool::from((q * -Fr::ONE + q).is_identity()) {
                return p;
            }
        }
    }
    unreachable!()
}

#[test]
fn development_srs_is_labelled_whatever_the_seed() {
    let dir = tmp("dev");
    let mut seeds = vec![1u64, srs::DEFAULT_DEV_SEED as u64];
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    seeds.extend([t, t.rotate_left(17) ^ 0x9e37_79b9_7f4a_7c15, u64::MAX]);
    let mut fingerprints = vec![];
    for seed in seeds {
        zk(
            &dir,
            &format!("gen-srs --srs-path dev.srs --logrows 3 --seed {seed}"),
        );
        let out = zk(&dir, "srs info dev.srs");
        assert!(
            field(&out, "label").starts_with("UNSAFE development SRS"),
            "seed {seed}:\n{out}"
        );
        assert_eq!(field(&out, "k"), "3");
        if seed < 256 || seed == srs::DEFAULT_DEV_SEED as u64 {
            assert_eq!(field(&out, "development seed"), seed.to_string());
        }
        fingerprints.push(field(&out, "tau_g2 fingerprint").to_string());
    }
    fingerprints.sort();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), 5, "distinct seeds, distinct secrets");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A one-request-per-connection HTTP server on 127.0.0.1 serving `files`; it counts requests.
fn serve(files: Vec<(String, Vec<u8>)>) -> (String, std::sync::Arc<Mutex<usize>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits = std::sync::Arc::new(Mutex::new(0usize));
    let h = hits.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut c) = conn else { continue };
            let mut req = vec![];
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match c.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            *h.lock().unwrap() += 1;
            let line = String::from_utf8_lossy(&req);
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            match files.iter().find(|(p, _)| *p == path) {
                Some((_, body)) => {
                    let _ = write!(
                        c,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = c.write_all(body);
                }
                None => {
                    let _ = c.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                }
            }
        }
    });
    (base, hits)
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

#[test]
fn get_srs_downloads_checks_caches_and_imports() {
    let dir = tmp("get");
    let tau = Fr::random(StdRng::seed_from_u64(43));
    let file = fake_ptau(tau, 5);
    let sha = sha256_hex(&file);
    let (base, hits) = serve(vec![("/ppot_0080_05.ptau".into(), file.clone())]);
    let cache = dir.join("cache");
    let args = |sha: &str, out: &str| {
        format!(
            "get-srs --logrows 5 --srs-path {out} --url {base} --cache-dir {} --sha256 {sha}",
            cache.display()
        )
    };

    // a wrong digest: refused, nothing cached
    let wrong = format!("{:0>64}", "1");
    let (ok, out) = zk_status(&dir, &args(&wrong, "a.srs").split(' ').collect::<Vec<_>>());
    assert!(
        !ok && out.contains("SHA-256") && out.contains(&sha),
        "{out}"
    );
    assert!(!cache.join("ppot_0080_05.ptau").exists());
    assert!(!dir.join("a.srs").exists());

    let out = zk(&dir, &args(&sha, "kzg5.srs"));
    assert_eq!(field(&out, "k"), "5", "{out}");
    assert_eq!(
        std::fs::read(dir.join("kzg5.srs")).unwrap(),
        srs::params_from_secret_unsafe(5, tau)
    );
    assert_eq!(
        std::fs::read(cache.join("ppot_0080_05.ptau")).unwrap(),
        file
    );
    let served = *hits.lock().unwrap();
    assert_eq!(served, 2);

    // again: from the cache, no request
    let out = zk(&dir, &args(&sha, "again.srs"));
    assert!(out.contains("cached"), "{out}");
    assert_eq!(*hits.lock().unwrap(), served);
    assert_eq!(
        std::fs::read(dir.join("again.srs")).unwrap(),
        std::fs::read(dir.join("kzg5.srs")).unwrap()
    );

    // a file the server does not have
    let (ok, out) = zk_status(
        &dir,
        &format!(
            "get-srs --logrows 6 --srs-path b.srs --url {base} --cache-dir {} --sha256 {sha}",
            cache.display()
        )
        .split(' ')
        .collect::<Vec<_>>(),
    );
    assert!(!ok && out.contains("404"), "{out}");
    // the pinned table: power 5 is pinned, and our file is not PSE's
    assert_eq!(
        ptau::ppot::sha256(5),
        Some("9c1bfc4a2895b9beb1df6e95c96785dc9382bee84d84a0d8c56b1061e09d89d1")
    );
    assert_eq!(ptau::ppot::file_name(28), "ppot_0080_final.ptau");
    let _ = std::fs::remove_dir_all(&dir);
}

/// https is built in (the default): an https URL is tried (here: a plain-http server, so the
/// TLS handshake fails) and the failure is an error naming the URL, not a panic.
#[cfg(feature = "https")]
#[test]
fn get_srs_speaks_https() {
    let dir = tmp("https-on");
    let (base, _) = serve(vec![]);
    let base = base.replacen("http://", "https://", 1);
    let (ok, out) = zk_status(
        &dir,
        &[
            "get-srs",
            "--logrows",
            "3",
            "--srs-path",
            "x.srs",
            "--cache-dir",
            "c",
            "--url",
            &base,
            "--timeout",
            "5",
        ],
    );
    assert!(!ok, "{out}");
    assert!(out.contains("error: ") && out.contains(&base), "{out}");
    assert!(
        !out.contains("--features https") && !out.contains("panicked"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(not(feature = "https"))]
#[test]
fn get_srs_over_https_needs_the_feature() {
    let dir = tmp("https");
    let (ok, out) = zk_status(
        &dir,
        &[
            "get-srs",
            "--logrows",
            "1",
            "--srs-path",
            "x.srs",
            "--cache-dir",
            "c",
        ],
    );
    assert!(!ok && out.contains("--features https"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------------------
// snarkjs and ../shared (ignored in a plain `cargo test`)

fn snarkjs() -> PathBuf {
    static INSTALL: Mutex<()> = Mutex::new(());
    let _g = INSTALL.lock().unwrap();
    let prefix = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/snarkjs");
    let bin = prefix.join("node_modules/.bin/snarkjs");
    if !bin.exists() {
        let st = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
            .arg(&prefix)
            .arg("snarkjs@0.7.6")
            .status()
            .expect("npm (for snarkjs@0.7.6)");
        assert!(st.success(), "npm install snarkjs@0.7.6 failed");
    }
    bin
}

fn run_snarkjs(dir: &Path, args: &[&str]) {
    let out = Command::new(snarkjs())
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "snarkjs {args:?}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A ceremony of `power` by snarkjs: new, one contribution, a beacon (once per power).
fn snarkjs_ptau(power: u32) -> PathBuf {
    static MADE: OnceLock<Mutex<Vec<(u32, PathBuf)>>> = OnceLock::new();
    let made = MADE.get_or_init(|| Mutex::new(vec![]));
    let mut made = made.lock().unwrap();
    if let Some((_, p)) = made.iter().find(|(p, _)| *p == power) {
        return p.clone();
    }
    // beside snarkjs, made anew each run
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/srs_ceremony/ptau{power}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let p = power.to_string();
    run_snarkjs(&dir, &["powersoftau", "new", "bn128", &p, "p0.ptau"]);
    run_snarkjs(
        &dir,
        &[
            "powersoftau",
            "contribute",
            "p0.ptau",
            "p1.ptau",
            "--name=zkonnx test",
            "-e=zkonnx test entropy",
        ],
    );
    run_snarkjs(
        &dir,
        &[
            "powersoftau",
            "beacon",
            "p1.ptau",
            "final.ptau",
            "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "10",
            "-n=zkonnx test beacon",
        ],
    );
    let path = dir.join("final.ptau");
    made.push((power, path.clone()));
    path
}

#[test]
#[ignore = "needs npm (snarkjs@0.7.6): see the header of this file"]
fn snarkjs_ceremony_imports_at_two_sizes_with_one_label() {
    let ptau_path = snarkjs_ptau(8);
    let dir = tmp("snarkjs8");
    let p = ptau_path.display();
    let mut infos = vec![];
    for k in [5, 8] {
        let out = zk(
            &dir,
            &format!("srs import --ptau {p} --logrows {k} --srs-path kzg{k}.srs"),
        );
        assert_eq!(field(&out, "k"), k.to_string());
        let info = zk(&dir, &format!("srs info kzg{k}.srs"));
        assert_eq!(field(&info, "label"), field(&out, "label"));
        infos.push(info);
        // it loads for proving and downsizes
        let bytes = std::fs::read(dir.join(format!("kzg{k}.srs"))).unwrap();
        srs::load_for_k(&bytes, k).unwrap();
        srs::load_for_k(&bytes, k - 1).unwrap();
    }
    let fp = field(&infos[0], "tau_g2 fingerprint");
    assert_eq!(
        fp,
        field(&infos[1], "tau_g2 fingerprint"),
        "one ceremony, one τ·G2"
    );
    assert!(
        field(&infos[0], "label").starts_with("unrecognised"),
        "{}",
        infos[0]
    );
    // the .ptau itself has the same τ·G2
    let of_ptau = zk(&dir, &format!("srs info {p}"));
    assert_eq!(field(&of_ptau, "tau_g2 fingerprint"), fp);
    assert!(of_ptau.contains("power 8"), "{of_ptau}");
    // a development SRS is another secret, and labelled so
    zk(&dir, "gen-srs --srs-path dev.srs --logrows 8");
    let dev = zk(&dir, "srs info dev.srs");
    assert_ne!(field(&dev, "tau_g2 fingerprint"), fp);
    assert!(field(&dev, "label").starts_with("UNSAFE"), "{dev}");
    assert_ne!(field(&dev, "label"), field(&infos[0], "label"));

    // snarkjs's file truncated, or with a byte changed: typed errors, no panic
    let bytes = std::fs::read(&ptau_path).unwrap();
    let cut = &bytes[..bytes.len() / 3];
    assert!(matches!(
        ptau::import(cut, 5),
        Err(SrsError::PtauTruncated { .. })
    ));
    std::fs::write(dir.join("cut.ptau"), cut).unwrap();
    let (ok, out) = zk_status(
        &dir,
        &[
            "srs",
            "import",
            "--ptau",
            "cut.ptau",
            "--logrows",
            "5",
            "--srs-path",
            "x.srs",
        ],
    );
    assert!(!ok && out.contains("truncated"), "{out}");
    let parsed = ptau::parse(&bytes).unwrap();
    assert_eq!(parsed.power, 8);
    let g1_at = find_section(&bytes, 2);
    let mut bad = bytes.clone();
    bad[g1_at + 2 * 64 + 7] ^= 0x20;
    let e = ptau::import(&bad, 5).unwrap_err();
    assert!(
        matches!(
            e,
            SrsError::PtauPoint {
                id: 2,
                index: 2,
                ..
            }
        ),
        "{e}"
    );
    let mut bad = bytes.clone();
    bad.copy_within(g1_at + 9 * 64..g1_at + 10 * 64, g1_at + 4 * 64);
    assert!(matches!(
        ptau::import(&bad, 5),
        Err(SrsError::PtauPairing(_))
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Offset of section `id`'s data in a .ptau.
fn find_section(b: &[u8], id: u32) -> usize {
    let mut at = 12;
    loop {
        let sid = u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
        let size = u64::from_le_bytes(b[at + 4..at + 12].try_into().unwrap()) as usize;
        if sid == id {
            return at + 12;
        }
        at += 12 + size;
    }
}

#[test]
#[ignore = "needs ../shared/srs (ZKONNX_SHARED): see the header of this file"]
fn shared_srs_files_are_labelled() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(std::env::var_os("ZKONNX_SHARED").expect("set ZKONNX_SHARED"));
    let dir = tmp("shared");
    let kzg1 = shared.join("srs/ezkl-test-kzg1.srs");
    let out = zk(&dir, &format!("srs info {}", kzg1.display()));
    assert_eq!(field(&out, "k"), "1");
    assert!(
        field(&out, "label").contains("Perpetual Powers of Tau"),
        "{out}"
    );
    let bytes = std::fs::read(&kzg1).unwrap();
    assert_eq!(
        srs::label(&bytes).unwrap(),
        SrsLabel::Ceremony(zkonnx::verifier::srs_label::PPOT_0071_HALO2.name)
    );
    // the light verifier's label, from the bundle's canonical encoding of the same point
    let raw = srs::info(&bytes).unwrap().s_g2;
    let light = <bn254::bn256::G2Affine as bn254::serde::SerdeObject>::from_raw_bytes(&raw)
        .expect("a G2 point");
    let canonical = zkonnx::verifier::encoding::g2_bytes(&light);
    assert_eq!(
        zkonnx::verifier::srs_label::label_of_canonical(&canonical),
        Some(srs::label(&bytes).unwrap())
    );
    // ezkl's k = 6 test file holds another τ·G2: not that ceremony, and not a development SRS
    let kzg6 = shared.join("srs/ezkl-test-kzg6.srs");
    let out6 = zk(&dir, &format!("srs info {}", kzg6.display()));
    assert_eq!(field(&out6, "k"), "6");
    assert_ne!(
        field(&out6, "tau_g2 fingerprint"),
        field(&out, "tau_g2 fingerprint")
    );
    assert!(field(&out6, "label").starts_with("unrecognised"), "{out6}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs npm (snarkjs@0.7.6): see the header of this file"]
fn proof_with_an_imported_ceremony_srs_verifies() {
    let ptau_path = snarkjs_ptau(12);
    let dir = tmp("proof");
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/mlp");
    for f in ["network.onnx", "input.json"] {
        std::fs::copy(ex.join(f), dir.join(f)).unwrap();
    }
    // k = 12 fits the ceremony of power 12: a small lookup range and scale
    zk(
        &dir,
        "gen-settings -M network.onnx -O settings.json -K 12 -B=-1024->1024 -S 5 --param-scale 5",
    );
    zk(
        &dir,
        "compile-circuit -M network.onnx --compiled-circuit model.compiled -S settings.json",
    );
    let out = zk(
        &dir,
        &format!(
            "srs import --ptau {} --logrows 12 --srs-path kzg.srs",
            ptau_path.display()
        ),
    );
    assert!(field(&out, "label").starts_with("unrecognised"), "{out}");
    zk(
        &dir,
        "setup -M model.compiled --srs-path kzg.srs --vk-path vk.key --pk-path pk.key",
    );
    zk(
        &dir,
        "gen-witness -D input.json -M model.compiled -O witness.json",
    );
    zk(&dir, "prove -W witness.json -M model.compiled --pk-path pk.key --proof-path proof.json --srs-path kzg.srs");
    let out = zk(
        &dir,
        "verify -S settings.json --proof-path proof.json --vk-path vk.key --srs-path kzg.srs",
    );
    assert!(out.contains("verified: true"), "{out}");
    let out = zk(
        &dir,
        "verify --proof-path proof.json --bundle-path verifier.bundle",
    );
    assert!(out.contains("verified: true"), "{out}");
    // the same proof against a development SRS of the same size: another secret, invalid
    zk(&dir, "gen-srs --srs-path dev.srs --logrows 12");
    let (ok, out) = zk_status(
        &dir,
        &[
            "verify",
            "-S",
            "settings.json",
            "--proof-path",
            "proof.json",
            "--vk-path",
            "vk.key",
            "--srs-path",
            "dev.srs",
        ],
    );
    assert!(!ok, "verified against another SRS:\n{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
