//! `zkonnx srs import|info` and `zkonnx get-srs`: ceremony SRS files (snarkjs .ptau import,
//! labels; PSE's Perpetual Powers of Tau downloaded, checked against pinned SHA-256s, cached).

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Subcommand};

use crate::cli::files::{read, write};
use crate::cli::Res;

#[derive(Subcommand)]
pub(crate) enum SrsCmd {
    /// Convert a snarkjs .ptau (BN254) into a halo2 KZG SRS of k = LOGROWS, checked with pairings
    Import {
        /// the snarkjs .ptau file
        #[arg(long)]
        ptau: PathBuf,
        /// the SRS serves circuits of up to 2^LOGROWS rows
        #[arg(long)]
        logrows: u32,
        /// where the SRS is written
        #[arg(long)]
        srs_path: PathBuf,
    },
    /// Print an SRS's (or a .ptau's) size, τ·G2 fingerprint and which ceremony it is
    Info {
        /// an SRS or a .ptau file
        file: PathBuf,
    },
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn print_srs_info(i: &zkonnx::srs::SrsInfo) {
    let f = hex(&i.fingerprint);
    println!("k: {}", i.k);
    println!("tau_g2 fingerprint: {} (blake2b-256 {f})", &f[..16]);
    println!("tau_g2 (raw): {}", hex(&i.s_g2));
    println!("label: {}", i.label);
    if i.smaller_bases {
        println!(
            "smaller sizes: the Lagrange bases of k < {} are in the file (cut down at once)",
            i.k
        );
    } else {
        println!(
            "smaller sizes: no Lagrange bases of k < {} (cutting down computes one: slow)",
            i.k
        );
    }
}

pub(crate) fn srs_cmd(cmd: SrsCmd) -> Res<()> {
    use zkonnx::srs::{self, ptau};
    match cmd {
        SrsCmd::Import {
            ptau: path,
            logrows,
            srs_path,
        } => {
            import_ptau(&path, logrows, &srs_path)?;
        }
        SrsCmd::Info { file } => {
            let bytes = read(&file)?;
            let at = |err: zkonnx::srs::SrsError| format!("{}: {err}", file.display());
            if ptau::is_ptau(&bytes) {
                let p = ptau::parse(&bytes).map_err(at)?;
                p.check_generators().map_err(at)?;
                let s_g2 = p.s_g2_raw();
                let f = hex(&srs::fingerprint(&s_g2));
                println!(
                    "snarkjs .ptau: power {} (ceremony power {}): an SRS of k <= {}",
                    p.power, p.ceremony_power, p.power
                );
                println!("tau_g2 fingerprint: {} (blake2b-256 {f})", &f[..16]);
                println!("tau_g2 (raw): {}", hex(&s_g2));
                println!("label: {}", srs::label_of(&s_g2));
            } else {
                let i = srs::info(&bytes).map_err(at)?;
                print_srs_info(&i);
                if i.label == srs::SrsLabel::Development {
                    let seed = zkonnx::srs::dev_seed_of_raw(&i.s_g2);
                    match seed {
                        Some(s) => println!("development seed: {s}"),
                        None => println!("development seed: not one below 256 or the default"),
                    }
                }
            }
        }
    }
    Ok(())
}

/// The cache of downloaded .ptau files.
fn ptau_cache_dir(cache_dir: Option<PathBuf>) -> PathBuf {
    let env = |v: &str| {
        std::env::var_os(v)
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
    };
    cache_dir
        .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("zkonnx")))
        .or_else(|| env("HOME").map(|d| d.join(".cache").join("zkonnx")))
        .unwrap_or_else(|| std::env::temp_dir().join("zkonnx-cache"))
}

fn sha256_file(p: &Path) -> Res<String> {
    use sha2::Digest;
    let mut f =
        std::fs::File::open(p).map_err(|err| format!("cannot read {}: {err}", p.display()))?;
    let mut h = sha2::Sha256::new();
    std::io::copy(&mut f, &mut h).map_err(|err| format!("cannot read {}: {err}", p.display()))?;
    Ok(hex(&h.finalize()))
}

/// Download `url` to `to` (through `to.part`), returning the SHA-256 of what came.
fn download(url: &str, to: &Path, timeout: u64) -> Res<String> {
    use sha2::Digest;
    use std::io::{Read, Write};
    let resp = minreq::get(url)
        .with_timeout(timeout)
        .send_lazy()
        .map_err(|err| match err {
            minreq::Error::HttpsFeatureNotEnabled => format!(
                "{url}: this zkonnx was built without https (cargo feature `https`): rebuild with \
             --features https, or fetch the file yourself and run `zkonnx srs import`"
            ),
            other => format!("{url}: {other}"),
        })?;
    if resp.status_code != 200 {
        return Err(format!(
            "{url}: HTTP {} {}",
            resp.status_code, resp.reason_phrase
        ));
    }
    let part = to.with_extension("ptau.part");
    let mut out = std::fs::File::create(&part)
        .map_err(|err| format!("cannot write {}: {err}", part.display()))?;
    let mut h = sha2::Sha256::new();
    let size: Option<u64> = resp
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok());
    let (mut resp, mut buf, mut total) = (resp, vec![0u8; 1 << 16], 0u64);
    let (t0, mut shown) = (Instant::now(), 0u64);
    loop {
        let n = resp
            .read(&mut buf)
            .map_err(|err| format!("{url}: download interrupted after {total} bytes: {err}"))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        out.write_all(&buf[..n])
            .map_err(|err| format!("cannot write {}: {err}", part.display()))?;
        total += n as u64;
        // progress on stderr every 64 MiB (the big powers are gigabytes)
        if total >> 26 > shown {
            shown = total >> 26;
            let of = size.map_or(String::new(), |s| {
                format!(
                    " of {} MiB ({:.0} %)",
                    s >> 20,
                    100.0 * total as f64 / s as f64
                )
            });
            eprintln!(
                "  {} MiB{of}, {:.0} s",
                total >> 20,
                t0.elapsed().as_secs_f64()
            );
        }
    }
    drop(out);
    std::fs::rename(&part, to).map_err(|err| format!("cannot write {}: {err}", to.display()))?;
    eprintln!("downloaded {url} ({total} bytes)");
    Ok(hex(&h.finalize()))
}

/// `get-srs`: a Perpetual Powers of Tau file downloaded, checked, cached and imported.
#[derive(Args)]
pub(crate) struct GetSrs {
    /// the SRS serves circuits of up to 2^LOGROWS rows
    #[arg(long)]
    logrows: u32,
    /// where the SRS is written
    #[arg(long)]
    srs_path: PathBuf,
    /// where the ppot_0080_*.ptau files are (the file name is appended)
    #[arg(long, default_value = zkonnx::srs::ptau::ppot::BASE_URL)]
    url: String,
    /// the downloaded .ptau files' cache (default: $XDG_CACHE_HOME/zkonnx or ~/.cache/zkonnx)
    #[arg(long)]
    cache_dir: Option<PathBuf>,
    /// expect this SHA-256 (hex) instead of the pinned one (another mirror, tests)
    #[arg(long)]
    sha256: Option<String>,
    /// give up when the download has not finished after SECS seconds
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    timeout: u64,
}

impl GetSrs {
    pub(crate) fn run(self) -> Res<()> {
        let Self {
            logrows,
            srs_path,
            url,
            cache_dir,
            sha256,
            timeout,
        } = self;
        get_srs(logrows, &srs_path, &url, cache_dir, sha256, timeout)
    }
}

/// `get-srs`: the Perpetual Powers of Tau file for `logrows`, pinned by SHA-256, cached, imported.
fn get_srs(
    logrows: u32,
    srs_path: &Path,
    base: &str,
    cache_dir: Option<PathBuf>,
    sha256: Option<String>,
    timeout: u64,
) -> Res<()> {
    use zkonnx::srs::ptau::ppot;
    if logrows > zkonnx::settings::MAX_LOGROWS {
        return Err(format!(
            "logrows {logrows} is above the supported maximum {}",
            zkonnx::settings::MAX_LOGROWS
        ));
    }
    let power = logrows.max(1);
    let file = ppot::file_name(power);
    let want = match &sha256 {
        Some(h) => h.trim().to_ascii_lowercase(),
        None => ppot::sha256(power)
            .ok_or_else(|| {
                format!(
                    "no pinned SHA-256 for {file}: give --sha256 (and check where it came from)"
                )
            })?
            .to_string(),
    };
    if want.len() != 64 || !want.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("--sha256 `{want}`: expected 64 hex digits"));
    }
    let dir = ptau_cache_dir(cache_dir);
    std::fs::create_dir_all(&dir)
        .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    let path = dir.join(&file);
    let cached = path.exists() && sha256_file(&path)? == want;
    if cached {
        eprintln!("using the cached {}", path.display());
    } else {
        let url = format!("{}/{file}", base.trim_end_matches('/'));
        let got = download(&url, &path, timeout)?;
        if got != want {
            let _ = std::fs::remove_file(&path);
            return Err(format!(
                "{url}: SHA-256 {got}, expected {want}: not the pinned file (removed)"
            ));
        }
    }
    import_ptau(&path, logrows, srs_path)
}

/// A snarkjs `.ptau` imported as an SRS of k = `logrows` at `srs_path` (`srs import`, `get-srs`).
fn import_ptau(path: &Path, logrows: u32, srs_path: &Path) -> Res<()> {
    let t = Instant::now();
    let bytes = zkonnx::srs::ptau::import(&read(path)?, logrows)
        .map_err(|err| format!("{}: {err}", path.display()))?;
    write(srs_path, &bytes)?;
    eprintln!(
        "wrote {} ({} bytes, imported in {:.1} s)",
        srs_path.display(),
        bytes.len(),
        t.elapsed().as_secs_f64()
    );
    print_srs_info(&zkonnx::srs::info(&bytes).map_err(|err| err.to_string())?);
    Ok(())
}
