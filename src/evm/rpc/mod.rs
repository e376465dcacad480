//! A thin, blocking Ethereum JSON-RPC client for `deploy-evm` and `verify-evm`.
//!
//! It speaks JSON-RPC 2.0 over HTTP with [`minreq`] (one request per call, no connection pool,
//! no async runtime) and signs transactions locally with the alloy transaction types
//! ([`alloy_consensus`]) and the RustCrypto secp256k1 implementation ([`k256`]); no ECDSA or RLP
//! is written here. The surface is deliberately small: read a chain id and code, `eth_call`,
//! estimate gas, and send a signed contract-creation or call transaction and wait for its receipt.
//!
//! Transactions are EIP-1559 (type 2) when the latest block reports a base fee, and legacy with
//! EIP-155 replay protection otherwise. The gas limit is `eth_estimateGas` (run from the sender)
//! plus [`GAS_MARGIN_PERCENT`], capped at the latest block's gas limit and at EIP-7825's 2^24
//! per transaction. A transaction that would revert fails at that estimate, before anything is
//! sent, as [`RpcError::Reverted`].
//!
//! Every failure is a typed [`RpcError`] that says what failed; nothing the node sends back can
//! make this module panic. The private key never appears in an error or a `Debug` output, and the
//! node URL is shown with any credentials and its path elided (RPC providers put API keys there).
//!
//! `https://` URLs need minreq's TLS support, which zkonnx turns on with its `https` feature; a
//! build without it rejects an `https://` URL up front with [`RpcError::HttpsUnsupported`].

mod wire;

pub use wire::revert_reason;
use wire::{
    address_of, bytes_of, describe_revert, field, gas_limit_with_margin, hash_of, hex0x, hex32,
    node_error, parse_quantity, quote, quote_json, redact_url, validate_url,
};

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use alloy_consensus::transaction::RlpEcdsaEncodableTx;
use alloy_consensus::{SignableTransaction, TxEip1559, TxLegacy};
use alloy_primitives::{Address, Bytes, Signature, TxKind, U256};
use k256::ecdsa::SigningKey;
use serde_json::{json, Value};

/// Default time allowed for one HTTP request (connect, send, read the answer).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time to wait for a sent transaction's receipt.
pub const DEFAULT_RECEIPT_TIMEOUT: Duration = Duration::from_secs(180);
/// Head room added to `eth_estimateGas` when setting a transaction's gas limit, in percent.
pub const GAS_MARGIN_PERCENT: u64 = 20;
/// The most gas one transaction may use since Osaka (EIP-7825: 2^24); the margin never pushes a
/// gas limit past it (an estimate already above it is sent as is, for the node to judge).
const TX_GAS_CAP: u64 = 1 << 24;
/// How much of a node's answer (or of its revert data) an error message quotes.
const QUOTE_CHARS: usize = 200;
/// `Error(string)`: the selector of Solidity's `revert("…")` / `require(…, "…")` payload.
const ERROR_STRING_SELECTOR: [u8; 4] = [0x08, 0xc3, 0x79, 0xa0];
/// `Panic(uint256)`: the selector of Solidity's assertion / arithmetic failure payload.
const PANIC_SELECTOR: [u8; 4] = [0x4e, 0x48, 0x7b, 0x71];

/// Whether minreq was built with TLS here: zkonnx's `https` feature turns on `minreq/https-rustls`.
const HTTPS_BUILT_IN: bool = cfg!(feature = "https");

/// Everything that can go wrong talking to a node, signing, or parsing user input.
#[derive(Debug, thiserror::Error)]
pub enum RpcError {
    /// The node URL is not a usable `http://` or `https://` URL.
    #[error("invalid JSON-RPC URL {url}: {reason}")]
    BadUrl { url: String, reason: &'static str },
    /// An `https://` URL in a build whose HTTP client has no TLS.
    #[error(
        "cannot reach the JSON-RPC node at {url}: https:// needs TLS support, which this build \
         lacks (rebuild with the `https` feature, or use an http:// node)"
    )]
    HttpsUnsupported { url: String },
    /// The HTTP request itself failed: connection refused, host not found, timeout, reset.
    #[error("cannot reach the JSON-RPC node at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// The node answered with a non-2xx HTTP status and no JSON-RPC body.
    #[error("the JSON-RPC node at {url} answered {method} with HTTP status {status}: {body}")]
    HttpStatus {
        url: String,
        method: &'static str,
        status: u16,
        body: String,
    },
    /// The answer is not the JSON-RPC response expected (not JSON, a missing field, a wrong type).
    #[error("the JSON-RPC node at {url} sent a malformed answer to {method}: {reason}")]
    Malformed {
        url: String,
        method: &'static str,
        reason: String,
    },
    /// A field that should be `0x`-prefixed hex is not.
    #[error("{method} returned bad hex in `{field}`: {reason}")]
    BadHex {
        method: &'static str,
        field: &'static str,
        reason: String,
    },
    /// The node answered with a JSON-RPC error object (other than a revert).
    #[error("{method} failed: the node answered error {code}: {message}")]
    Node {
        method: &'static str,
        code: i64,
        message: String,
    },
    /// The EVM reverted (`eth_call`, `eth_estimateGas`); `data` is the raw revert payload.
    #[error("{}", describe_revert(.message, .data))]
    Reverted { data: Vec<u8>, message: String },
    /// A mined transaction with status 0.
    #[error("transaction {} failed on chain (status 0) after using {gas_used} gas", hex32(.tx_hash))]
    TxFailed { tx_hash: [u8; 32], gas_used: u64 },
    /// A sent transaction had no receipt before the receipt timeout.
    #[error(
        "no receipt for transaction {} after {:.1} s (it may still be mined; look it up by hash)",
        hex32(.tx_hash),
        .waited.as_secs_f64()
    )]
    ReceiptTimeout { tx_hash: [u8; 32], waited: Duration },
    /// The private key is not 32 bytes of hex or not a valid secp256k1 scalar. Never holds the key.
    #[error("invalid private key: {reason}")]
    BadKey { reason: &'static str },
    /// An address is not `0x` followed by 40 hex digits.
    #[error("invalid address {input:?}: {reason}")]
    BadAddress { input: String, reason: &'static str },
    /// The signer refused (should not happen with a valid key).
    #[error("signing the transaction failed: {reason}")]
    Signing { reason: String },
}

/// The outcome of a mined transaction (only successful ones are returned by [`Rpc::deploy`] and
/// [`Rpc::send`]: status 0 is [`RpcError::TxFailed`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub tx_hash: [u8; 32],
    pub gas_used: u64,
    /// The created contract, for a contract-creation transaction.
    pub contract_address: Option<[u8; 20]>,
    pub status: bool,
}

/// A secp256k1 private key that signs transactions. Its `Debug` shows the address only; the
/// underlying key is zeroized when dropped.
pub struct Key {
    signer: SigningKey,
    address: [u8; 20],
}

impl Key {
    /// Parses 64 hex digits, with or without `0x` (surrounding white space is ignored, so a key
    /// read from a file with a trailing newline works). Errors never contain the input.
    pub fn from_hex(s: &str) -> Result<Key, RpcError> {
        let s = s.trim();
        let digits = s
            .strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .unwrap_or(s);
        if digits.len() != 64 {
            return Err(RpcError::BadKey {
                reason: "expected 64 hex digits (32 bytes), optionally prefixed by 0x",
            });
        }
        let mut bytes = [0u8; 32];
        alloy_primitives::hex::decode_to_slice(digits, &mut bytes).map_err(|_| {
            RpcError::BadKey {
                reason: "not hexadecimal",
            }
        })?;
        let signer = SigningKey::from_slice(&bytes);
        // Do not leave a plain copy of the key on the stack.
        bytes.fill(0);
        let signer = signer.map_err(|_| RpcError::BadKey {
            reason: "not a valid secp256k1 private key (zero, or not below the curve order)",
        })?;
        let address = Address::from_private_key(&signer).into_array();
        Ok(Key { signer, address })
    }

    /// The account the key controls.
    pub fn address(&self) -> [u8; 20] {
        self.address
    }

    /// Signs a transaction; returns its EIP-2718 encoding (what `eth_sendRawTransaction` takes)
    /// and its hash.
    fn sign<T>(&self, tx: T) -> Result<(Vec<u8>, [u8; 32]), RpcError>
    where
        T: SignableTransaction<Signature> + RlpEcdsaEncodableTx,
    {
        let prehash = tx.signature_hash();
        // RFC 6979 deterministic nonce; k256 returns a low-s signature with the matching parity.
        let (sig, recid) = self
            .signer
            .sign_prehash_recoverable(prehash.as_slice())
            .map_err(|e| RpcError::Signing {
                reason: e.to_string(),
            })?;
        let signed = tx.into_signed(Signature::from((sig, recid)));
        let mut raw = Vec::with_capacity(signed.eip2718_encoded_length());
        signed.eip2718_encode(&mut raw);
        Ok((raw, signed.hash().0))
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("address", &address_hex(&self.address))
            .finish_non_exhaustive()
    }
}

/// Parses `0x` followed by 40 hex digits, in any case (the EIP-55 checksum is not enforced).
pub fn parse_address(s: &str) -> Result<[u8; 20], RpcError> {
    super::contract::parse_address(s).map_err(|reason| RpcError::BadAddress {
        input: quote(s),
        reason,
    })
}

/// The EIP-55 mixed-case checksummed form, `0x`-prefixed.
pub fn address_hex(a: &[u8; 20]) -> String {
    Address::from(*a).to_checksum(None)
}

/// A blocking JSON-RPC client for one node.
pub struct Rpc {
    /// The URL requests go to, exactly as validated (scheme lower-cased).
    url: String,
    /// The URL as error messages show it: credentials and path elided.
    shown: String,
    timeout: Duration,
    receipt_timeout: Duration,
    next_id: AtomicU64,
}

impl fmt::Debug for Rpc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rpc")
            .field("url", &self.shown)
            .field("timeout", &self.timeout)
            .field("receipt_timeout", &self.receipt_timeout)
            .finish()
    }
}

/// What a transaction needs from the latest block.
struct BlockInfo {
    base_fee: Option<u128>,
    gas_limit: Option<u64>,
}

impl Rpc {
    /// A client for the node at `url` (`http://host[:port][/path]`, or `https://` in builds with
    /// TLS). Only the URL is checked here; nothing is sent until the first call.
    pub fn new(url: &str) -> Result<Rpc, RpcError> {
        let url = validate_url(url)?;
        let shown = redact_url(&url);
        if url.starts_with("https://") && !HTTPS_BUILT_IN {
            return Err(RpcError::HttpsUnsupported { url: shown });
        }
        Ok(Rpc {
            url,
            shown,
            timeout: DEFAULT_TIMEOUT,
            receipt_timeout: DEFAULT_RECEIPT_TIMEOUT,
            next_id: AtomicU64::new(1),
        })
    }

    /// Sets the time allowed for each HTTP request (rounded up to whole seconds, at least 1 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Rpc {
        self.timeout = timeout;
        self
    }

    /// Sets how long [`Rpc::deploy`] and [`Rpc::send`] wait for a receipt.
    pub fn with_receipt_timeout(mut self, timeout: Duration) -> Rpc {
        self.receipt_timeout = timeout;
        self
    }

    /// The node URL as shown in messages (credentials and path elided).
    pub fn display_url(&self) -> &str {
        &self.shown
    }

    /// `eth_chainId`.
    pub fn chain_id(&self) -> Result<u64, RpcError> {
        const M: &str = "eth_chainId";
        let v = self.request(M, json!([]))?;
        self.u64_of(M, "result", &v)
    }

    /// `eth_getCode` at the latest block; empty for an account without code.
    pub fn code(&self, addr: &[u8; 20]) -> Result<Vec<u8>, RpcError> {
        const M: &str = "eth_getCode";
        let v = self.request(M, json!([hex0x(addr), "latest"]))?;
        bytes_of(M, "result", &v)
    }

    /// `eth_call` at the latest block, with no sender and no value. A revert is
    /// [`RpcError::Reverted`] carrying the revert data.
    pub fn call(&self, to: &[u8; 20], data: &[u8]) -> Result<Vec<u8>, RpcError> {
        const M: &str = "eth_call";
        let v = self.request(
            M,
            json!([{ "to": hex0x(to), "data": hex0x(data) }, "latest"]),
        )?;
        bytes_of(M, "result", &v)
    }

    /// `eth_estimateGas` for a call (`to` is `Some`) or a contract creation (`to` is `None`),
    /// with no sender. A revert is [`RpcError::Reverted`].
    pub fn estimate_gas(&self, to: Option<&[u8; 20]>, data: &[u8]) -> Result<u64, RpcError> {
        self.estimate_gas_from(None, to, data)
    }

    /// Sends a contract-creation transaction with `initcode`, signed by `key`, and waits for it
    /// to be mined. The receipt's `contract_address` is always `Some`.
    pub fn deploy(&self, key: &Key, initcode: &[u8]) -> Result<Receipt, RpcError> {
        let receipt = self.transact(key, None, initcode)?;
        if receipt.contract_address.is_none() {
            return Err(self.malformed(
                "eth_getTransactionReceipt",
                format!(
                    "the receipt of contract creation {} has no contractAddress",
                    hex32(&receipt.tx_hash)
                ),
            ));
        }
        Ok(receipt)
    }

    /// Sends a call transaction to `to` with `data` (no value), signed by `key`, and waits for it
    /// to be mined.
    pub fn send(&self, key: &Key, to: &[u8; 20], data: &[u8]) -> Result<Receipt, RpcError> {
        self.transact(key, Some(to), data)
    }

    // ---------------------------------------------------------------------------------------
    // Transactions

    /// Builds, signs, sends and waits for one transaction.
    fn transact(&self, key: &Key, to: Option<&[u8; 20]>, data: &[u8]) -> Result<Receipt, RpcError> {
        let from = key.address();
        let chain_id = self.chain_id()?;
        let nonce = self.nonce(&from)?;
        let block = self.latest_block()?;
        // Estimated from the sender, so `msg.sender`, its balance and its nonce are the real ones.
        let estimate = self.estimate_gas_from(Some(&from), to, data)?;
        let gas_limit = gas_limit_with_margin(estimate, block.gas_limit);
        let kind = match to {
            Some(a) => TxKind::Call(Address::from(*a)),
            None => TxKind::Create,
        };
        let input = Bytes::copy_from_slice(data);

        let (raw, tx_hash) = match block.base_fee {
            Some(base_fee) => {
                let tip = self.priority_fee(base_fee)?;
                // The usual wallet rule: room for the base fee to double before the tx is priced out.
                let max_fee = base_fee
                    .checked_mul(2)
                    .and_then(|f| f.checked_add(tip))
                    .ok_or_else(|| {
                        self.malformed(
                            "eth_getBlockByNumber",
                            "the base fee is absurdly large".into(),
                        )
                    })?;
                key.sign(TxEip1559 {
                    chain_id,
                    nonce,
                    gas_limit,
                    max_fee_per_gas: max_fee,
                    max_priority_fee_per_gas: tip,
                    to: kind,
                    value: U256::ZERO,
                    access_list: Default::default(),
                    input,
                })?
            }
            None => {
                // No base fee: a pre-London chain. Legacy transaction with EIP-155 chain id.
                let gas_price = self.gas_price()?;
                key.sign(TxLegacy {
                    chain_id: Some(chain_id),
                    nonce,
                    gas_price,
                    gas_limit,
                    to: kind,
                    value: U256::ZERO,
                    input,
                })?
            }
        };

        const M: &str = "eth_sendRawTransaction";
        let v = self.request(M, json!([hex0x(&raw)]))?;
        let reported = hash_of(M, "result", &v)?;
        if reported != tx_hash {
            return Err(self.malformed(
                M,
                format!(
                    "the node reported hash {} for transaction {}",
                    hex32(&reported),
                    hex32(&tx_hash)
                ),
            ));
        }
        self.wait_for_receipt(tx_hash)
    }

    /// Polls `eth_getTransactionReceipt` until the transaction is mined or the receipt timeout
    /// passes; status 0 is [`RpcError::TxFailed`].
    fn wait_for_receipt(&self, tx_hash: [u8; 32]) -> Result<Receipt, RpcError> {
        const M: &str = "eth_getTransactionReceipt";
        let start = Instant::now();
        // Short first waits for instant-mining dev nodes, backing off to 2 s for real chains.
        let mut pause = Duration::from_millis(50);
        loop {
            let v = match self.request(M, json!([hex0x(&tx_hash)])) {
                Ok(v) => v,
                // The transaction is out: a passing network or rate-limit failure is waited out
                // (and ends as a timeout naming the hash) rather than losing track of it.
                Err(RpcError::Unreachable { .. } | RpcError::HttpStatus { .. }) => Value::Null,
                Err(e) => return Err(e),
            };
            if !v.is_null() {
                let receipt = self.parse_receipt(&v)?;
                if receipt.tx_hash != tx_hash {
                    return Err(self.malformed(
                        M,
                        format!(
                            "asked for {}, got the receipt of {}",
                            hex32(&tx_hash),
                            hex32(&receipt.tx_hash)
                        ),
                    ));
                }
                if !receipt.status {
                    return Err(RpcError::TxFailed {
                        tx_hash,
                        gas_used: receipt.gas_used,
                    });
                }
                return Ok(receipt);
            }
            let waited = start.elapsed();
            if waited >= self.receipt_timeout {
                return Err(RpcError::ReceiptTimeout { tx_hash, waited });
            }
            thread::sleep(pause.min(self.receipt_timeout - waited));
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }

    fn parse_receipt(&self, v: &Value) -> Result<Receipt, RpcError> {
        const M: &str = "eth_getTransactionReceipt";
        if !v.is_object() {
            return Err(self.malformed(
                M,
                format!("expected a receipt object, got {}", quote_json(v)),
            ));
        }
        let tx_hash = hash_of(M, "transactionHash", field(v, "transactionHash"))?;
        let gas_used = self.u64_of(M, "gasUsed", field(v, "gasUsed"))?;
        // Pre-Byzantium receipts carry a state root instead of a status; nothing zkonnx targets.
        let status = match self.u64_of(M, "status", field(v, "status"))? {
            0 => false,
            1 => true,
            n => return Err(self.malformed(M, format!("receipt status is {n}, expected 0 or 1"))),
        };
        let contract_address = match field(v, "contractAddress") {
            Value::Null => None,
            a => Some(address_of(M, "contractAddress", a)?),
        };
        Ok(Receipt {
            tx_hash,
            gas_used,
            contract_address,
            status,
        })
    }

    fn estimate_gas_from(
        &self,
        from: Option<&[u8; 20]>,
        to: Option<&[u8; 20]>,
        data: &[u8],
    ) -> Result<u64, RpcError> {
        const M: &str = "eth_estimateGas";
        let mut tx = serde_json::Map::new();
        if let Some(from) = from {
            tx.insert("from".into(), hex0x(from).into());
        }
        if let Some(to) = to {
            tx.insert("to".into(), hex0x(to).into());
        }
        tx.insert("data".into(), hex0x(data).into());
        let v = self.request(M, json!([Value::Object(tx)]))?;
        self.u64_of(M, "result", &v)
    }

    /// The next nonce of `addr`, counting its transactions still in the pool.
    fn nonce(&self, addr: &[u8; 20]) -> Result<u64, RpcError> {
        const M: &str = "eth_getTransactionCount";
        let v = self.request(M, json!([hex0x(addr), "pending"]))?;
        self.u64_of(M, "result", &v)
    }

    fn latest_block(&self) -> Result<BlockInfo, RpcError> {
        const M: &str = "eth_getBlockByNumber";
        let v = self.request(M, json!(["latest", false]))?;
        if !v.is_object() {
            return Err(self.malformed(
                M,
                format!("expected the latest block, got {}", quote_json(&v)),
            ));
        }
        let base_fee = match field(&v, "baseFeePerGas") {
            Value::Null => None,
            f => Some(self.u128_of(M, "baseFeePerGas", f)?),
        };
        let gas_limit = match field(&v, "gasLimit") {
            Value::Null => None,
            g => Some(self.u64_of(M, "gasLimit", g)?),
        };
        Ok(BlockInfo {
            base_fee,
            gas_limit,
        })
    }

    /// `eth_maxPriorityFeePerGas`, or, from nodes without it, what `eth_gasPrice` offers above
    /// the base fee.
    fn priority_fee(&self, base_fee: u128) -> Result<u128, RpcError> {
        const M: &str = "eth_maxPriorityFeePerGas";
        match self.request(M, json!([])) {
            Ok(v) => self.u128_of(M, "result", &v),
            Err(RpcError::Node { .. }) => Ok(self.gas_price()?.saturating_sub(base_fee)),
            Err(e) => Err(e),
        }
    }

    fn gas_price(&self) -> Result<u128, RpcError> {
        const M: &str = "eth_gasPrice";
        let v = self.request(M, json!([]))?;
        self.u128_of(M, "result", &v)
    }

    // ---------------------------------------------------------------------------------------
    // Transport

    /// Sends one JSON-RPC request and returns its `result` (which may be `null`).
    fn request(&self, method: &'static str, params: Value) -> Result<Value, RpcError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let body =
            json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string();
        let timeout_secs = self.timeout.as_secs() + u64::from(self.timeout.subsec_nanos() > 0);
        let response = minreq::post(self.url.as_str())
            .with_header("content-type", "application/json")
            .with_body(body)
            .with_timeout(timeout_secs.max(1))
            .send()
            .map_err(|e| self.transport_error(method, e, timeout_secs.max(1)))?;

        let status = response.status_code;
        let raw = response.as_bytes();
        // minreq reports a connection closed before any status line (or a non-HTTP answer) as
        // status 503 with no headers and no body; a real 503 comes with headers.
        if status == 503 && raw.is_empty() && response.headers.is_empty() {
            return Err(RpcError::Unreachable {
                url: self.shown.clone(),
                reason: "the connection closed without an HTTP answer".into(),
            });
        }
        let mut obj = match serde_json::from_slice::<Value>(raw) {
            Ok(Value::Object(obj)) if obj.contains_key("result") || obj.contains_key("error") => {
                obj
            }
            // Not a JSON-RPC answer: a proxy's error page, a rate limit, a wrong path.
            _ if !(200..300).contains(&status) => {
                return Err(RpcError::HttpStatus {
                    url: self.shown.clone(),
                    method,
                    status,
                    body: if raw.is_empty() {
                        format!("{} (empty body)", quote(&response.reason_phrase))
                    } else {
                        quote(&String::from_utf8_lossy(raw))
                    },
                })
            }
            Ok(other) => {
                return Err(self.malformed(
                    method,
                    format!("not a JSON-RPC response: {}", quote_json(&other)),
                ))
            }
            Err(e) => {
                return Err(self.malformed(
                    method,
                    format!("not JSON ({e}): {}", quote(&String::from_utf8_lossy(raw))),
                ))
            }
        };
        if let Some(got) = obj.get("id").and_then(Value::as_u64) {
            if got != id {
                return Err(self.malformed(
                    method,
                    format!("answer to request {got}, sent request {id}"),
                ));
            }
        }
        match obj.remove("error") {
            None | Some(Value::Null) => {}
            Some(err) => return Err(node_error(method, &err)),
        }
        // `contains_key` above: no error, so there is a result (possibly null).
        Ok(obj.remove("result").unwrap_or(Value::Null))
    }

    fn transport_error(
        &self,
        method: &'static str,
        e: minreq::Error,
        timeout_secs: u64,
    ) -> RpcError {
        use std::io::ErrorKind;
        let url = self.shown.clone();
        let reason = match e {
            minreq::Error::HttpsFeatureNotEnabled => return RpcError::HttpsUnsupported { url },
            minreq::Error::IoError(io) => match io.kind() {
                ErrorKind::ConnectionRefused => "connection refused".to_string(),
                ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => {
                    "connection reset by the node".to_string()
                }
                ErrorKind::TimedOut | ErrorKind::WouldBlock => {
                    format!("no answer within {timeout_secs} s")
                }
                ErrorKind::UnexpectedEof => {
                    "the node closed the connection before answering".to_string()
                }
                _ => io.to_string(),
            },
            minreq::Error::AddressNotFound => "could not resolve the host name".to_string(),
            // Anything else is a broken HTTP answer from something that did answer.
            other => return self.malformed(method, format!("invalid HTTP response: {other}")),
        };
        RpcError::Unreachable { url, reason }
    }

    // ---------------------------------------------------------------------------------------
    // Answer parsing

    fn malformed(&self, method: &'static str, reason: String) -> RpcError {
        RpcError::Malformed {
            url: self.shown.clone(),
            method,
            reason,
        }
    }

    fn u128_of(
        &self,
        method: &'static str,
        what: &'static str,
        v: &Value,
    ) -> Result<u128, RpcError> {
        let s = v.as_str().ok_or_else(|| {
            self.malformed(
                method,
                format!("`{what}` should be a hex quantity, got {}", quote_json(v)),
            )
        })?;
        parse_quantity(s).map_err(|reason| RpcError::BadHex {
            method,
            field: what,
            reason: format!("{reason}: {}", quote(s)),
        })
    }

    fn u64_of(&self, method: &'static str, what: &'static str, v: &Value) -> Result<u64, RpcError> {
        let n = self.u128_of(method, what, v)?;
        u64::try_from(n)
            .map_err(|_| self.malformed(method, format!("`{what}` = {n} does not fit in 64 bits")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    #[test]
    fn addresses_parse_in_any_case_and_print_checksummed() {
        // The EIP-55 test vectors.
        for s in [
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
            "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
        ] {
            let a = parse_address(s).unwrap();
            assert_eq!(address_hex(&a), s);
            assert_eq!(parse_address(&s.to_lowercase()).unwrap(), a);
            assert_eq!(
                parse_address(&format!("0X{}", &s[2..].to_uppercase())).unwrap(),
                a
            );
        }
        assert_eq!(
            parse_address(" 0x0000000000000000000000000000000000000001\n").unwrap()[19],
            1
        );
    }

    #[test]
    fn bad_addresses_are_typed_errors() {
        for s in [
            "",
            "0x",
            "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAé",
        ] {
            assert!(
                matches!(parse_address(s), Err(RpcError::BadAddress { .. })),
                "{s:?}"
            );
        }
    }

    #[test]
    fn keys_parse_with_or_without_prefix() {
        let k = Key::from_hex(DEV_KEY).unwrap();
        assert_eq!(
            address_hex(&k.address()),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
        );
        assert_eq!(Key::from_hex(&DEV_KEY[2..]).unwrap().address(), k.address());
        assert_eq!(
            Key::from_hex(&format!(
                "  {}\n",
                DEV_KEY.to_uppercase().replace("0X", "0x")
            ))
            .unwrap()
            .address(),
            k.address()
        );
        assert!(!format!("{k:?}").contains(&DEV_KEY[2..]));
    }

    #[test]
    fn bad_keys_are_typed_errors_without_the_key() {
        let n = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"; // the curve order
        let zero = "0".repeat(64);
        let short = &DEV_KEY[..64];
        let nonhex = format!("{}zz", &DEV_KEY[2..64]);
        for s in [n, zero.as_str(), short, nonhex.as_str(), "", "0x"] {
            let e = Key::from_hex(s).unwrap_err();
            assert!(matches!(e, RpcError::BadKey { .. }), "{s:?}: {e:?}");
            let shown = format!("{e} {e:?}");
            assert!(s.len() < 8 || !shown.contains(&s[2..10]), "{shown}");
        }
    }
}
