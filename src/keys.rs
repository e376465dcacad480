//! Proving and verifying keys: generation and (de)serialization in halo2's raw byte format.

use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

use halo2_proofs::plonk::{keygen_pk, keygen_vk, ProvingKey, VerifyingKey};
use halo2_proofs::SerdeFormat;
use halo2curves::bn256::G1Affine;

use crate::circuit::{CircuitParams, ModelCircuit};
use crate::kzg::ProverParams;
use crate::model::Compiled;
use crate::settings::Settings;

/// Errors of key generation and key files.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key generation failed: {0}")]
    Keygen(String),
    #[error("verifying key: {0}")]
    Vk(String),
    #[error("proving key: {0}")]
    Pk(String),
}

/// Run `f`, turning a panic inside halo2 (e.g. on malformed bytes) into an error message.
/// Calls running under [`guarded`] right now (on any thread, rayon workers included).
static GUARDS: AtomicUsize = AtomicUsize::new(0);

/// Install a panic hook that stays silent for panics [`guarded`] turns into errors (their
/// message travels in the error) and prints any other panic as usual. For the CLI and the
/// WebAssembly bindings.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if GUARDS.load(Ordering::SeqCst) == 0 {
            default(info);
        }
    }));
}

pub(crate) fn guarded<T>(what: &str, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    GUARDS.fetch_add(1, Ordering::SeqCst);
    let r = catch_unwind(AssertUnwindSafe(f));
    GUARDS.fetch_sub(1, Ordering::SeqCst);
    match r {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned());
            Err(format!(
                "{what}: {}",
                msg.unwrap_or_else(|| "malformed data".into())
            ))
        }
    }
}

pub fn keygen(
    model: &Compiled,
    params: &ProverParams,
) -> Result<(VerifyingKey<G1Affine>, ProvingKey<G1Affine>), KeyError> {
    let circuit = ModelCircuit {
        model,
        trace: None,
        salts: None,
    };
    let vk = keygen_vk(params, &circuit).map_err(|e| KeyError::Keygen(format!("{e:?}")))?;
    let pk =
        keygen_pk(params, vk.clone(), &circuit).map_err(|e| KeyError::Keygen(format!("{e:?}")))?;
    Ok((vk, pk))
}

pub fn vk_to_bytes(vk: &VerifyingKey<G1Affine>) -> Vec<u8> {
    vk.to_bytes(SerdeFormat::RawBytes)
}

/// The proving key's bytes written to `out` as they are made: a large key is never held twice.
pub fn pk_write(pk: &ProvingKey<G1Affine>, out: &mut dyn Write) -> Result<(), KeyError> {
    // (halo2 unwraps some write errors: a full disk would panic)
    guarded("proving key", || {
        let mut out = out;
        pk.write(&mut out, SerdeFormat::RawBytes)
            .and_then(|()| out.flush())
            .map_err(|e| format!("writing: {e}"))
    })
    .map_err(KeyError::Pk)
}

/// The first bytes after the halo2 verifying key when params are committed: then a count
/// (u32, little-endian) and each parameter column's published commitment (64 bytes, the light
/// verifier's encoding).
const COMMITTED_MAGIC: &[u8; 8] = b"ZKONNXCP";

/// The verifying key's bytes, with committed params' published commitments after it.
pub fn vk_to_bytes_with(vk: &VerifyingKey<G1Affine>, committed: &[G1Affine]) -> Vec<u8> {
    let mut b = vk_to_bytes(vk);
    if !committed.is_empty() {
        b.extend_from_slice(COMMITTED_MAGIC);
        b.extend_from_slice(&(committed.len() as u32).to_le_bytes());
        for p in committed {
            b.extend_from_slice(&crate::verifier::encoding::g1_bytes(
                &crate::kzg::light::g1(p),
            ));
        }
    }
    b
}

/// A verifying key and, with committed params, the published commitments after it (as many as
/// the settings' parameter columns).
pub fn vk_from_bytes(
    b: &[u8],
    settings: &Settings,
) -> Result<(VerifyingKey<G1Affine>, Vec<G1Affine>), KeyError> {
    let params = CircuitParams::from_settings(settings);
    let columns = params.param_columns;
    let (vk, rest) = guarded("verifying key", || {
        let mut r = b;
        let vk = VerifyingKey::<G1Affine>::read::<_, ModelCircuit<'static>>(
            &mut r,
            SerdeFormat::RawBytes,
            params,
        )
        .map_err(|e| e.to_string())?;
        Ok((vk, r))
    })
    .map_err(KeyError::Vk)?;
    let committed = committed_from_bytes(rest, columns).map_err(KeyError::Vk)?;
    if vk.get_domain().k() != settings.run_args.logrows {
        return Err(KeyError::Vk(format!(
            "made for logrows {}, settings say {}",
            vk.get_domain().k(),
            settings.run_args.logrows
        )));
    }
    Ok((vk, committed))
}

fn committed_from_bytes(rest: &[u8], columns: usize) -> Result<Vec<G1Affine>, String> {
    if columns == 0 {
        // one encoding per key: nothing may follow a key without committed params
        return match rest.len() {
            0 => Ok(vec![]),
            n => Err(format!("{n} trailing bytes")),
        };
    }
    let Some(body) = rest.strip_prefix(COMMITTED_MAGIC.as_slice()) else {
        return Err(
            "params are committed but the key has no published commitments after it (run \
             setup again)"
                .into(),
        );
    };
    let count = body
        .get(..4)
        .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")) as usize);
    if count != Some(columns) || Some(body.len()) != columns.checked_mul(64).map(|b| b + 4) {
        return Err(format!(
            "committed params: {} bytes of published commitments, the settings have {columns} \
             parameter columns",
            body.len()
        ));
    }
    body[4..]
        .chunks(64)
        .enumerate()
        .map(|(i, c)| {
            crate::verifier::encoding::g1_from_bytes(c)
                .map(|p| crate::kzg::light::g1_back(&p))
                .ok_or_else(|| format!("committed params: commitment {i} is not a curve point"))
        })
        .collect()
}

pub fn pk_from_bytes(b: &[u8], settings: &Settings) -> Result<ProvingKey<G1Affine>, KeyError> {
    pk_read(&mut &b[..], settings)
}

/// The proving key read from `r` as it comes (a file through a buffer: the key's bytes are
/// never all in memory beside the key); every byte must belong to it.
pub fn pk_read(r: &mut dyn Read, settings: &Settings) -> Result<ProvingKey<G1Affine>, KeyError> {
    let params = CircuitParams::from_settings(settings);
    let pk = guarded("proving key", || {
        let mut r = r;
        let pk = ProvingKey::<G1Affine>::read::<_, ModelCircuit<'static>>(
            &mut r,
            SerdeFormat::RawBytes,
            params,
        )
        .map_err(|e| e.to_string())?;
        let mut rest = [0u8; 1];
        match r.read(&mut rest) {
            Ok(0) => Ok(pk),
            Ok(_) => Err("trailing bytes after the key".into()),
            Err(e) => Err(e.to_string()),
        }
    })
    .map_err(KeyError::Pk)?;
    if pk.get_vk().get_domain().k() != settings.run_args.logrows {
        return Err(KeyError::Pk(format!(
            "made for logrows {}, settings say {}",
            pk.get_vk().get_domain().k(),
            settings.run_args.logrows
        )));
    }
    Ok(pk)
}
