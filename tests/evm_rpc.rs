//! The client against a scripted fake node on 127.0.0.1: malformed and hostile answers must be
//! typed errors, never panics; receipt polling, failed transactions and the legacy fallback.
//! Needs no anvil; every server here answers only this test's own requests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use alloy_primitives::keccak256;
use serde_json::{json, Value};
use zkonnx::evm::rpc::{Key, Rpc, RpcError};

const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// What the fake node does with one request.
enum Reply {
    /// A JSON-RPC `result` in an HTTP 200 answer.
    Result(Value),
    /// A whole JSON-RPC response object in an HTTP 200 answer.
    Body(Value),
    /// These exact bytes, HTTP status line included.
    Raw(String),
    /// Read the request and never answer (until the client gives up).
    Hang,
    /// Close the connection without a word.
    Close,
}

/// Starts a server that answers each request with `handler(method, params, id)`; returns its URL.
/// The server thread ends with the test process.
fn serve(handler: impl Fn(&str, &Value, &Value) -> Reply + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let Some((req, stream)) = read_request(stream) else {
                continue;
            };
            let method = req["method"].as_str().unwrap_or("").to_string();
            let answer = match handler(&method, &req["params"], &req["id"]) {
                Reply::Result(r) => {
                    http_200(&json!({ "jsonrpc": "2.0", "id": req["id"], "result": r }))
                }
                Reply::Body(b) => http_200(&b),
                Reply::Raw(s) => s,
                Reply::Hang => {
                    // Hold the connection open past the client's timeout, off the accept loop.
                    thread::spawn(move || {
                        thread::sleep(Duration::from_secs(5));
                        drop(stream);
                    });
                    continue;
                }
                Reply::Close => continue,
            };
            let mut stream = stream;
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    url
}

fn read_request(stream: TcpStream) -> Option<(Value, TcpStream)> {
    let mut reader = BufReader::new(stream);
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().ok()?;
            }
        }
    }
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body).ok()?;
    Some((serde_json::from_slice(&body).ok()?, reader.into_inner()))
}

fn http_200(body: &Value) -> String {
    let body = body.to_string();
    format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
}

fn chain_id_answered_with(reply: impl Fn() -> Reply + Send + 'static) -> RpcError {
    let url = serve(move |_, _, _| reply());
    Rpc::new(&url)
        .unwrap()
        .with_timeout(Duration::from_secs(1))
        .chain_id()
        .unwrap_err()
}

#[test]
fn malformed_answers_are_typed_errors() {
    let e = chain_id_answered_with(|| {
        Reply::Raw("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".into())
    });
    assert!(
        matches!(
            e,
            RpcError::Malformed {
                method: "eth_chainId",
                ..
            }
        ),
        "{e:?}"
    );
    eprintln!("{e}");

    let e = chain_id_answered_with(|| {
        Reply::Raw(
            "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 19\r\n\r\n<html>oops</html>\r\n".into(),
        )
    });
    assert!(
        matches!(e, RpcError::HttpStatus { status: 502, .. }),
        "{e:?}"
    );
    eprintln!("{e}");

    let e = chain_id_answered_with(|| Reply::Result(json!(12)));
    assert!(matches!(e, RpcError::Malformed { .. }), "{e:?}");
    eprintln!("{e}");

    let e = chain_id_answered_with(|| Reply::Result(json!("0xzz")));
    assert!(
        matches!(
            e,
            RpcError::BadHex {
                field: "result",
                ..
            }
        ),
        "{e:?}"
    );
    eprintln!("{e}");

    let e = chain_id_answered_with(|| Reply::Result(json!("0x1ffffffffffffffff")));
    assert!(matches!(e, RpcError::Malformed { .. }), "{e:?}");
    eprintln!("{e}");

    let e = chain_id_answered_with(|| Reply::Result(Value::Null));
    assert!(matches!(e, RpcError::Malformed { .. }), "{e:?}");

    let e = chain_id_answered_with(|| Reply::Body(json!([])));
    assert!(matches!(e, RpcError::Malformed { .. }), "{e:?}");

    let e = chain_id_answered_with(|| {
        Reply::Body(json!({"jsonrpc": "2.0", "id": 999, "result": "0x1"}))
    });
    assert!(matches!(e, RpcError::Malformed { .. }), "{e:?}");
    eprintln!("{e}");

    let e = chain_id_answered_with(|| {
        Reply::Body(
            json!({"jsonrpc": "2.0", "id": 1, "error": {"code": -32601, "message": "the method eth_chainId does not exist\nat all"}}),
        )
    });
    assert!(
        matches!(
            e,
            RpcError::Node {
                method: "eth_chainId",
                code: -32601,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!e.to_string().contains('\n'));
    eprintln!("{e}");

    let e = chain_id_answered_with(|| Reply::Body(json!({"jsonrpc": "2.0", "id": 1, "error": 7})));
    assert!(matches!(e, RpcError::Node { .. }), "{e:?}");

    let e = chain_id_answered_with(|| Reply::Raw("NOT HTTP AT ALL\r\n\r\n".into()));
    assert!(matches!(e, RpcError::Unreachable { .. }), "{e:?}");
    eprintln!("{e}");

    let e = chain_id_answered_with(|| {
        Reply::Raw(
            "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n"
                .into(),
        )
    });
    assert!(
        matches!(e, RpcError::HttpStatus { status: 503, .. }),
        "{e:?}"
    );
    eprintln!("{e}");

    let e = chain_id_answered_with(|| Reply::Close);
    assert!(matches!(e, RpcError::Unreachable { .. }), "{e:?}");
    eprintln!("{e}");

    let started = Instant::now();
    let e = chain_id_answered_with(|| Reply::Hang);
    assert!(matches!(e, RpcError::Unreachable { .. }), "{e:?}");
    assert!(e.to_string().ends_with("no answer within 1 s"), "{e}");
    assert!(started.elapsed() < Duration::from_secs(4));
    eprintln!("{e}");

    // Other answers with the wrong shape.
    let url = serve(|m, _, _| match m {
        "eth_getCode" => Reply::Result(Value::Null),
        "eth_call" => Reply::Result(json!("0x123")),
        "eth_estimateGas" => Reply::Result(json!({"gas": 1})),
        _ => Reply::Result(json!("0x1")),
    });
    let rpc = Rpc::new(&url).unwrap();
    assert!(matches!(
        rpc.code(&[1; 20]),
        Err(RpcError::BadHex {
            method: "eth_getCode",
            ..
        })
    ));
    assert!(matches!(
        rpc.call(&[1; 20], &[]),
        Err(RpcError::BadHex {
            method: "eth_call",
            ..
        })
    ));
    assert!(matches!(
        rpc.estimate_gas(None, &[]),
        Err(RpcError::Malformed {
            method: "eth_estimateGas",
            ..
        })
    ));
}

/// A node good enough to take a transaction, with the parts a scenario changes.
#[derive(Clone)]
struct Chain {
    base_fee: bool,
    priority_method: bool,
    /// `None`: the receipt never comes.
    receipt_status: Option<&'static str>,
    wrong_hash: bool,
    /// How many receipt requests get an HTTP 502 before the receipt.
    flaky_receipts: Arc<Mutex<usize>>,
    /// Raw transactions received.
    sent: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Chain {
    fn new() -> Chain {
        Chain {
            base_fee: true,
            priority_method: true,
            receipt_status: Some("0x1"),
            wrong_hash: false,
            flaky_receipts: Default::default(),
            sent: Default::default(),
        }
    }

    fn serve(&self) -> String {
        let c = self.clone();
        serve(move |m, params, id| match m {
            "eth_chainId" => Reply::Result(json!("0x7a69")),
            "eth_getTransactionCount" => Reply::Result(json!("0x3")),
            "eth_getBlockByNumber" if c.base_fee => {
                Reply::Result(json!({"gasLimit": "0x1c9c380", "baseFeePerGas": "0x3b9aca00"}))
            }
            "eth_getBlockByNumber" => Reply::Result(json!({"gasLimit": "0x1c9c380"})),
            "eth_estimateGas" => Reply::Result(json!("0x5208")),
            "eth_maxPriorityFeePerGas" if c.priority_method => Reply::Result(json!("0x1")),
            "eth_gasPrice" => Reply::Result(json!("0x77359400")),
            "eth_sendRawTransaction" => {
                let raw = params[0]
                    .as_str()
                    .and_then(|s| alloy_primitives::hex::decode(s).ok())
                    .unwrap();
                let hash = if c.wrong_hash {
                    keccak256(b"other")
                } else {
                    keccak256(&raw)
                };
                c.sent.lock().unwrap().push(raw);
                Reply::Result(json!(hash.to_string()))
            }
            "eth_getTransactionReceipt" if *c.flaky_receipts.lock().unwrap() > 0 => {
                *c.flaky_receipts.lock().unwrap() -= 1;
                Reply::Raw("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n".into())
            }
            "eth_getTransactionReceipt" => match c.receipt_status {
                None => Reply::Result(Value::Null),
                Some(status) => Reply::Result(json!({
                    "transactionHash": params[0],
                    "gasUsed": "0x5208",
                    "status": status,
                    "contractAddress": null,
                })),
            },
            _ => Reply::Body(
                json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": "method not found"}}),
            ),
        })
    }
}

#[test]
fn transactions_against_a_scripted_node() {
    let key = Key::from_hex(DEV_KEY).unwrap();
    let to = [7u8; 20];

    // EIP-1559, all well.
    let chain = Chain::new();
    let r = Rpc::new(&chain.serve())
        .unwrap()
        .send(&key, &to, b"x")
        .unwrap();
    let raw = chain.sent.lock().unwrap()[0].clone();
    assert_eq!(raw[0], 0x02, "an EIP-1559 transaction");
    assert_eq!(r.tx_hash, keccak256(&raw).0);
    assert!(r.status && r.gas_used == 21_000 && r.contract_address.is_none());

    // No eth_maxPriorityFeePerGas: still EIP-1559, tip from eth_gasPrice.
    let chain = Chain {
        priority_method: false,
        ..Chain::new()
    };
    Rpc::new(&chain.serve())
        .unwrap()
        .send(&key, &to, b"x")
        .unwrap();
    assert_eq!(chain.sent.lock().unwrap()[0][0], 0x02);

    // No base fee: a legacy transaction (an RLP list, no type byte).
    let chain = Chain {
        base_fee: false,
        ..Chain::new()
    };
    Rpc::new(&chain.serve())
        .unwrap()
        .send(&key, &to, b"x")
        .unwrap();
    assert!(
        chain.sent.lock().unwrap()[0][0] >= 0xc0,
        "a legacy transaction"
    );

    // A gateway failing while the receipt is awaited is waited out.
    let chain = Chain::new();
    *chain.flaky_receipts.lock().unwrap() = 2;
    let r = Rpc::new(&chain.serve())
        .unwrap()
        .send(&key, &to, b"x")
        .unwrap();
    assert!(r.status);
    assert_eq!(*chain.flaky_receipts.lock().unwrap(), 0);

    // Status 0.
    let chain = Chain {
        receipt_status: Some("0x0"),
        ..Chain::new()
    };
    let e = Rpc::new(&chain.serve())
        .unwrap()
        .send(&key, &to, b"x")
        .unwrap_err();
    let raw = chain.sent.lock().unwrap()[0].clone();
    assert!(
        matches!(e, RpcError::TxFailed { tx_hash, gas_used: 21_000 } if tx_hash == keccak256(&raw).0),
        "{e:?}"
    );
    eprintln!("{e}");

    // A deploy whose receipt has no contract address.
    let chain = Chain::new();
    let e = Rpc::new(&chain.serve())
        .unwrap()
        .deploy(&key, &[0x00])
        .unwrap_err();
    assert!(matches!(e, RpcError::Malformed { .. }), "{e:?}");
    eprintln!("{e}");

    // Malformed receipt status.
    let chain = Chain {
        receipt_status: Some("0x2"),
        ..Chain::new()
    };
    let e = Rpc::new(&chain.serve())
        .unwrap()
        .send(&key, &to, b"x")
        .unwrap_err();
    assert!(matches!(e, RpcError::Malformed { .. }), "{e:?}");

    // The node reports another hash than the transaction's.
    let chain = Chain {
        wrong_hash: true,
        ..Chain::new()
    };
    let e = Rpc::new(&chain.serve())
        .unwrap()
        .send(&key, &to, b"x")
        .unwrap_err();
    assert!(
        matches!(
            e,
            RpcError::Malformed {
                method: "eth_sendRawTransaction",
                ..
            }
        ),
        "{e:?}"
    );
    eprintln!("{e}");

    // The receipt never comes.
    let chain = Chain {
        receipt_status: None,
        ..Chain::new()
    };
    let started = Instant::now();
    let e = Rpc::new(&chain.serve())
        .unwrap()
        .with_receipt_timeout(Duration::from_millis(1500))
        .send(&key, &to, b"x")
        .unwrap_err();
    assert!(matches!(e, RpcError::ReceiptTimeout { .. }), "{e:?}");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1500) && took < Duration::from_secs(4),
        "{took:?}"
    );
    eprintln!("{e}");
}
