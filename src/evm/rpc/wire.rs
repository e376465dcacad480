//! The wire side of the JSON-RPC client: reading the node's answers (fields, hex data,
//! quantities, error objects, revert payloads), and the node URL's checks and redaction. Nothing
//! here sends a request; everything a node sends back is checked here before the client uses it.

use serde_json::Value;

use super::{
    RpcError, ERROR_STRING_SELECTOR, GAS_MARGIN_PERCENT, PANIC_SELECTOR, QUOTE_CHARS, TX_GAS_CAP,
};

/// `v[name]`, or `null` when `v` is not an object or has no such field.
pub(super) fn field<'a>(v: &'a Value, name: &str) -> &'a Value {
    v.get(name).unwrap_or(&Value::Null)
}

/// `0x`-prefixed hex byte data (`0x` alone is empty data).
pub(super) fn bytes_of(
    method: &'static str,
    what: &'static str,
    v: &Value,
) -> Result<Vec<u8>, RpcError> {
    let bad = |reason: String| RpcError::BadHex {
        method,
        field: what,
        reason,
    };
    let s = v.as_str().ok_or_else(|| {
        bad(format!(
            "expected a 0x-prefixed hex string, got {}",
            quote_json(v)
        ))
    })?;
    let digits = s
        .strip_prefix("0x")
        .ok_or_else(|| bad(format!("missing 0x prefix: {}", quote(s))))?;
    alloy_primitives::hex::decode(digits).map_err(|e| bad(format!("{e}: {}", quote(s))))
}

pub(super) fn fixed_of<const N: usize>(
    method: &'static str,
    what: &'static str,
    v: &Value,
) -> Result<[u8; N], RpcError> {
    let bytes = bytes_of(method, what, v)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| RpcError::BadHex {
        method,
        field: what,
        reason: format!("expected {N} bytes, got {}", bytes.len()),
    })
}

pub(super) fn hash_of(
    method: &'static str,
    what: &'static str,
    v: &Value,
) -> Result<[u8; 32], RpcError> {
    fixed_of(method, what, v)
}

pub(super) fn address_of(
    method: &'static str,
    what: &'static str,
    v: &Value,
) -> Result<[u8; 20], RpcError> {
    fixed_of(method, what, v)
}

/// A JSON-RPC quantity: `0x` and 1 to 32 hex digits (leading zeros are tolerated).
pub(super) fn parse_quantity(s: &str) -> Result<u128, &'static str> {
    let digits = s.strip_prefix("0x").ok_or("missing 0x prefix")?;
    if digits.is_empty() {
        return Err("no digits after 0x");
    }
    // Checked here: `from_str_radix` would also take a leading `+`.
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("not hexadecimal");
    }
    let significant = digits.trim_start_matches('0');
    if significant.len() > 32 {
        return Err("more than 128 bits");
    }
    if significant.is_empty() {
        return Ok(0);
    }
    u128::from_str_radix(significant, 16).map_err(|_| "not hexadecimal")
}

/// Turns a JSON-RPC error object into [`RpcError::Reverted`] (EVM reverts: geth/anvil code 3, or
/// a message mentioning a revert) or [`RpcError::Node`].
pub(super) fn node_error(method: &'static str, err: &Value) -> RpcError {
    let code = err.get("code").and_then(Value::as_i64).unwrap_or(0);
    let message = match err.get("message").and_then(Value::as_str) {
        Some(m) => m.to_string(),
        None => match err.as_str() {
            Some(s) => s.to_string(),
            None => quote_json(err),
        },
    };
    let message = quote(&message);
    if code == 3 || message.to_ascii_lowercase().contains("revert") {
        // Revert data is a hex string, or (some nodes) an object with a `data` hex string.
        let data = match err.get("data") {
            Some(Value::String(s)) => Some(s.as_str()),
            Some(obj @ Value::Object(_)) => obj.get("data").and_then(Value::as_str),
            _ => None,
        };
        let data = data
            .and_then(|s| s.strip_prefix("0x"))
            .and_then(|d| alloy_primitives::hex::decode(d).ok())
            .unwrap_or_default();
        return RpcError::Reverted { data, message };
    }
    RpcError::Node {
        method,
        code,
        message,
    }
}

/// The message of [`RpcError::Reverted`]: the node's words, plus the decoded `Error(string)` or
/// `Panic(uint256)` payload, or else the raw revert data.
pub(super) fn describe_revert(message: &str, data: &[u8]) -> String {
    let mut out = format!("the EVM reverted: {message}");
    if let Some(reason) = revert_reason(data) {
        if !message.contains(&reason) {
            out.push_str(&format!(" (reason: {reason:?})"));
        }
    } else if let Some(code) = panic_code(data) {
        out.push_str(&format!(" (panic code {code:#x})"));
    } else if !data.is_empty() {
        let hex = hex0x(data);
        if !message.contains(&hex) {
            out.push_str(&format!(" (revert data {})", quote(&hex)));
        }
    }
    out
}

/// Decodes Solidity's `Error(string)` revert payload; `None` for anything else or malformed data.
pub fn revert_reason(data: &[u8]) -> Option<String> {
    let body = data.strip_prefix(&ERROR_STRING_SELECTOR)?;
    let offset = abi_word_usize(body, 0)?;
    let len = abi_word_usize(body, offset)?;
    let start = offset.checked_add(32)?;
    let bytes = body.get(start..start.checked_add(len)?)?;
    Some(String::from_utf8_lossy(bytes).into_owned())
}

/// Decodes Solidity's `Panic(uint256)` payload (0x01 assert, 0x11 overflow, 0x12 division by 0…).
pub(super) fn panic_code(data: &[u8]) -> Option<usize> {
    let body = data.strip_prefix(&PANIC_SELECTOR)?;
    if body.len() != 32 {
        return None;
    }
    abi_word_usize(body, 0)
}

/// The 32-byte big-endian ABI word at `at`, if present and small enough for a `usize`.
pub(super) fn abi_word_usize(body: &[u8], at: usize) -> Option<usize> {
    let word = body.get(at..at.checked_add(32)?)?;
    let (high, low) = word.split_at(24);
    if high.iter().any(|&b| b != 0) {
        return None;
    }
    let mut b = [0u8; 8];
    b.copy_from_slice(low);
    usize::try_from(u64::from_be_bytes(b)).ok()
}

/// Checks the URL and returns it with a lower-case scheme (minreq only knows `http://` and
/// `https://` in lower case). minreq parses `host:port` itself and knows neither credentials
/// (`user:pass@`) nor bracketed IPv6 hosts, so both are refused here rather than misread there.
pub(super) fn validate_url(input: &str) -> Result<String, RpcError> {
    let s = input.trim();
    let bad = |reason| RpcError::BadUrl {
        url: redact_url(s),
        reason,
    };
    if s.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad("it contains spaces or control characters"));
    }
    let (scheme, rest) = s
        .split_once("://")
        .ok_or_else(|| bad("expected http://host:port"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(bad("only http:// and https:// are supported"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(bad("credentials in the URL (user:pass@) are not supported"));
    }
    if authority.starts_with('[') {
        return Err(bad(
            "IPv6 literal hosts are not supported; use 127.0.0.1 or a host name",
        ));
    }
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    if let Some(p) = port {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.parse::<u16>().is_err() {
            return Err(bad("the port must be a number from 0 to 65535"));
        }
    }
    Ok(format!("{scheme}://{rest}"))
}

/// `scheme://host[:port]`, with `…@` for credentials and `/…` for a path or query, which RPC
/// providers use for API keys; an unparsable input is shortened.
pub(super) fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return quote(url);
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (creds, host) = match authority.rsplit_once('@') {
        Some((_, h)) => ("…@", h),
        None => ("", authority),
    };
    let tail = if tail.is_empty() || tail == "/" {
        tail
    } else {
        "/…"
    };
    quote(&format!(
        "{}://{creds}{host}{tail}",
        scheme.to_ascii_lowercase()
    ))
}

/// The leading part of `s`, at most [`QUOTE_CHARS`] characters, control characters escaped
/// (node messages go into one-line error messages).
pub(super) fn quote(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == QUOTE_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

pub(super) fn quote_json(v: &Value) -> String {
    quote(&v.to_string())
}

/// Lower-case `0x`-prefixed hex, the form JSON-RPC parameters take.
pub(super) fn hex0x(bytes: &[u8]) -> String {
    alloy_primitives::hex::encode_prefixed(bytes)
}

pub(super) fn hex32(h: &[u8; 32]) -> String {
    hex0x(h)
}

/// `estimate` plus [`GAS_MARGIN_PERCENT`], but no more than the block gas limit or the per-
/// transaction cap [`TX_GAS_CAP`], and never less than the estimate itself.
pub(super) fn gas_limit_with_margin(estimate: u64, block_gas_limit: Option<u64>) -> u64 {
    let with_margin = u128::from(estimate) * u128::from(100 + GAS_MARGIN_PERCENT) / 100;
    let with_margin = u64::try_from(with_margin).unwrap_or(u64::MAX);
    let cap = block_gas_limit.map_or(TX_GAS_CAP, |b| b.min(TX_GAS_CAP));
    with_margin.min(cap).max(estimate)
}

#[cfg(test)]
mod tests {
    use super::super::{Rpc, HTTPS_BUILT_IN};
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("0x0"), Ok(0));
        assert_eq!(parse_quantity("0x00"), Ok(0));
        assert_eq!(parse_quantity("0x7a69"), Ok(31337));
        assert_eq!(parse_quantity("0X1"), Err("missing 0x prefix"));
        assert_eq!(parse_quantity("0x"), Err("no digits after 0x"));
        assert_eq!(parse_quantity("12"), Err("missing 0x prefix"));
        assert_eq!(parse_quantity("0x+1"), Err("not hexadecimal"));
        assert_eq!(parse_quantity("0x-1"), Err("not hexadecimal"));
        assert_eq!(parse_quantity("0xg"), Err("not hexadecimal"));
        assert_eq!(
            parse_quantity(&format!("0x{}", "f".repeat(32))),
            Ok(u128::MAX)
        );
        assert_eq!(
            parse_quantity(&format!("0x0{}", "f".repeat(32))),
            Ok(u128::MAX)
        );
        assert_eq!(
            parse_quantity(&format!("0x1{}", "0".repeat(32))),
            Err("more than 128 bits")
        );
    }

    #[test]
    fn node_fields_are_checked() {
        assert_eq!(bytes_of("m", "f", &json!("0x")).unwrap(), Vec::<u8>::new());
        assert_eq!(bytes_of("m", "f", &json!("0x00ff")).unwrap(), vec![0, 255]);
        for bad in [
            json!("00ff"),
            json!("0x0ff"),
            json!("0xzz"),
            json!(12),
            json!(null),
            json!({}),
        ] {
            assert!(
                matches!(bytes_of("m", "f", &bad), Err(RpcError::BadHex { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            hash_of("m", "f", &json!("0x00")),
            Err(RpcError::BadHex { .. })
        ));
        assert!(address_of("m", "f", &json!(format!("0x{}", "11".repeat(20)))).is_ok());
    }

    #[test]
    fn urls() {
        assert_eq!(
            validate_url(" http://127.0.0.1:8545 ").unwrap(),
            "http://127.0.0.1:8545"
        );
        assert_eq!(
            validate_url("HTTP://localhost:8545/rpc").unwrap(),
            "http://localhost:8545/rpc"
        );
        for bad in [
            "127.0.0.1:8545",
            "ftp://host",
            "ws://127.0.0.1:8545",
            "http://",
            "http://:8545",
            "http://host:port",
            "http://host:70000",
            "http://user:pw@host",
            "http://[::1]:8545",
            "http://host/a b",
        ] {
            assert!(
                matches!(validate_url(bad), Err(RpcError::BadUrl { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            redact_url("https://u:secret@eth.example/v2/KEY?x=1"),
            "https://…@eth.example/…"
        );
        assert_eq!(redact_url("http://127.0.0.1:8545"), "http://127.0.0.1:8545");
        assert_eq!(
            redact_url("http://127.0.0.1:8545/"),
            "http://127.0.0.1:8545/"
        );
        let e = Rpc::new("ftp://u:secret@host/KEY").unwrap_err().to_string();
        assert!(!e.contains("secret") && !e.contains("KEY"), "{e}");
    }

    #[test]
    fn https_needs_the_feature() {
        let r = Rpc::new("https://eth.example/v2/KEY");
        if HTTPS_BUILT_IN {
            assert!(r.is_ok());
        } else {
            let e = r.unwrap_err();
            assert!(matches!(e, RpcError::HttpsUnsupported { .. }));
            assert!(e.to_string().contains("https://eth.example/…"), "{e}");
        }
    }

    #[test]
    fn revert_payloads() {
        // Error("nope")
        let mut data = ERROR_STRING_SELECTOR.to_vec();
        let mut word = [0u8; 32];
        word[31] = 0x20;
        data.extend_from_slice(&word);
        word[31] = 4;
        data.extend_from_slice(&word);
        let mut s = [0u8; 32];
        s[..4].copy_from_slice(b"nope");
        data.extend_from_slice(&s);
        assert_eq!(revert_reason(&data).as_deref(), Some("nope"));
        assert!(describe_revert("execution reverted", &data).contains("\"nope\""));
        // Truncated or absurd payloads decode to nothing, and never panic.
        for cut in 0..data.len() {
            let _ = revert_reason(&data[..cut]);
        }
        assert_eq!(revert_reason(&data[..4 + 64 + 3]), None);
        let mut huge = data.clone();
        huge[4..36].fill(0xff);
        assert_eq!(revert_reason(&huge), None);
        // Panic(0x11)
        let mut p = PANIC_SELECTOR.to_vec();
        let mut w = [0u8; 32];
        w[31] = 0x11;
        p.extend_from_slice(&w);
        assert!(describe_revert("execution reverted", &p).contains("panic code 0x11"));
        // Custom errors show the raw data.
        assert!(
            describe_revert("execution reverted", &[0xde, 0xad, 0xbe, 0xef]).contains("0xdeadbeef")
        );
    }

    #[test]
    fn node_errors_are_classified() {
        let e = node_error(
            "eth_call",
            &json!({"code": 3, "message": "execution reverted", "data": "0xdeadbeef"}),
        );
        assert!(
            matches!(e, RpcError::Reverted { ref data, .. } if data == &[0xde, 0xad, 0xbe, 0xef])
        );
        let e = node_error(
            "eth_call",
            &json!({"code": -32000, "message": "execution reverted"}),
        );
        assert!(matches!(e, RpcError::Reverted { ref data, .. } if data.is_empty()));
        let e = node_error(
            "eth_call",
            &json!({"code": -32015, "message": "VM Exception: revert", "data": {"data": "0x01"}}),
        );
        assert!(matches!(e, RpcError::Reverted { ref data, .. } if data == &[1]));
        let e = node_error(
            "eth_sendRawTransaction",
            &json!({"code": -32000, "message": "nonce too low"}),
        );
        assert_eq!(
            e.to_string(),
            "eth_sendRawTransaction failed: the node answered error -32000: nonce too low"
        );
        let e = node_error("eth_chainId", &json!("weird"));
        assert!(matches!(e, RpcError::Node { code: 0, ref message, .. } if message == "weird"));
        let e = node_error("eth_chainId", &json!([1, 2]));
        assert!(matches!(e, RpcError::Node { .. }));
    }

    #[test]
    fn gas_margin() {
        assert_eq!(gas_limit_with_margin(100_000, Some(30_000_000)), 120_000);
        assert_eq!(gas_limit_with_margin(53_001, None), 63_601);
        assert_eq!(
            gas_limit_with_margin(15_000_000, Some(30_000_000)),
            TX_GAS_CAP
        );
        assert_eq!(gas_limit_with_margin(7_000_000, Some(8_000_000)), 8_000_000);
        assert_eq!(
            gas_limit_with_margin(20_000_000, Some(30_000_000)),
            20_000_000
        );
        assert_eq!(gas_limit_with_margin(u64::MAX, None), u64::MAX);
    }

    #[test]
    fn quoting_escapes_control_characters_and_truncates() {
        assert_eq!(quote("a\nb\"é"), "a\\nb\"é");
        assert_eq!(
            quote(&"x".repeat(QUOTE_CHARS + 5)).chars().count(),
            QUOTE_CHARS + 1
        );
    }
}
