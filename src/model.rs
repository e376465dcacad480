//! The compiled circuit (`model.compiled`): settings plus the quantized graph.

use serde::{Deserialize, Serialize};

use crate::quant::QGraph;
use crate::settings::Settings;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Compiled {
    pub settings: Settings,
    pub graph: QGraph,
    /// the params commitment's salt (`0x…`), with `hashed` params: secret, like the weights
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param_salt: Option<String>,
}

/// Errors reading a compiled circuit.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("compiled circuit: {0}")]
    Json(#[from] serde_json::Error),
    #[error("compiled circuit: {0}")]
    Invalid(String),
}

impl Compiled {
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("compiled circuit serializes")
    }

    pub fn from_bytes(b: &[u8]) -> Result<Self, ModelError> {
        let c: Compiled = serde_json::from_slice(b)?;
        c.settings
            .run_args
            .validate()
            .map_err(|e| ModelError::Invalid(e.to_string()))?;
        c.check().map_err(ModelError::Invalid)?;
        crate::publics::layout(&c.settings)
            .check()
            .map_err(|m| ModelError::Invalid(format!("settings: {m}")))?;
        if let Some(s) = &c.param_salt {
            crate::felt::from_hex_be(s)
                .map_err(|m| ModelError::Invalid(format!("param_salt: {m}")))?;
        }
        let vis = c.settings.run_args.param_visibility;
        if matches!(
            vis,
            crate::settings::Visibility::Hashed | crate::settings::Visibility::Committed
        ) && c.param_salt.is_none()
        {
            return Err(ModelError::Invalid(format!(
                "params are {vis} but the file has no param_salt: compile the circuit again"
            )));
        }
        Ok(c)
    }

    /// Structural checks so that a hand-edited file cannot make later steps index out of bounds.
    pub fn check(&self) -> Result<(), String> {
        let q = &self.graph;
        let nt = q.shapes.len();
        let ok_t = |t: usize| {
            if t < nt {
                Ok(())
            } else {
                Err(format!("tensor id {t} out of range"))
            }
        };
        for &t in q.inputs.iter().chain(&q.outputs) {
            ok_t(t)?;
        }
        let mut terms = vec![];
        // every tensor is produced once, before it is read: inputs first, then the steps
        let mut produced = vec![false; nt];
        for &t in &q.inputs {
            if std::mem::replace(&mut produced[t], true) {
                return Err(format!("input tensor {t} is listed twice"));
            }
        }
        for s in &q.steps {
            ok_t(s.output)?;
            for &t in &s.inputs {
                ok_t(t)?;
                if !produced[t] {
                    return Err(format!(
                        "step `{}` reads tensor {t} before any step makes it",
                        s.node
                    ));
                }
            }
            if std::mem::replace(&mut produced[s.output], true) {
                return Err(format!(
                    "step `{}`: tensor {} is made twice",
                    s.node, s.output
                ));
            }
            let lens: Vec<usize> = s.inputs.iter().map(|&t| q.len_of(t)).collect();
            let out_len = q.len_of(s.output);
            let bad = |what: &str| Err(format!("step `{}`: {what}", s.node));
            match &s.op {
                crate::quant::QOp::Dot(d) => {
                    if d.out_len() != out_len
                        || d.rescale > 48
                        || d.divisor.is_some_and(|v| v == 0 || v > 1 << 48)
                    {
                        return bad("output length or rescale");
                    }
                    for o in 0..out_len {
                        d.terms_checked(o, &mut terms, &lens, &q.params)
                            .map_err(|e| format!("step `{}`: {e}", s.node))?;
                    }
                }
                crate::quant::QOp::Lookup(f) => {
                    if lens.len() != 1
                        || lens[0] != out_len
                        || (f.tabled() && !self.settings.required_lookups.contains(f))
                    {
                        return bad("lookup shape or table");
                    }
                }
                crate::quant::QOp::Div { shift, den } => {
                    if lens.len() != 2
                        || lens[0] != out_len
                        || den.len() != out_len
                        || *shift > 32
                        || den.iter().any(|&j| j as usize >= lens[1])
                    {
                        return bad("division shape or index");
                    }
                }
                crate::quant::QOp::IsZero => {
                    if lens.len() != 1 || lens[0] != out_len {
                        return bad("is-zero shape");
                    }
                }
                crate::quant::QOp::Clamp { lo } => {
                    if lens.len() != 1 || lens[0] != out_len || *lo > 0 || *lo < -(1 << 62) {
                        return bad("clamp shape or floor (in [-2^62, 0])");
                    }
                }
                crate::quant::QOp::Gather(map) => {
                    if map.len() != out_len
                        || map.iter().any(|&(sl, i)| {
                            sl != crate::quant::ZERO_SLOT
                                && (sl as usize >= lens.len() || i as usize >= lens[sl as usize])
                        })
                    {
                        return bad("gather index");
                    }
                }
            }
        }
        if let Some(&t) = q.outputs.iter().find(|&&t| !produced[t]) {
            return Err(format!("output tensor {t} is never made"));
        }
        if q.act_scale != self.settings.run_args.input_scale {
            return Err(format!(
                "activation scale {} differs from the settings' input_scale {}",
                q.act_scale, self.settings.run_args.input_scale
            ));
        }
        if q.table_shift != self.settings.run_args.table_shift {
            return Err(format!(
                "table shift {} differs from the settings' table_shift {}",
                q.table_shift, self.settings.run_args.table_shift
            ));
        }
        self.settings.check_tables().map_err(|e| e.to_string())?;
        Ok(())
    }
}
