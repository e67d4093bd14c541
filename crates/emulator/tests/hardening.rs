//! Hardening for long-lived shared use: the header-read, body-read and idle timeouts, the connection cap, hyper's answers to
//! broken HTTP in Graph's shape, and a client that half-closes after its request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use intune_osimages_emulator::ServeOptions;
use intune_osimages_emulator::test_util::{Running, SET, parse, request, send};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn short_timeouts() -> ServeOptions {
    let mut options = ServeOptions::local();
    options.header_read_timeout = Duration::from_millis(400);
    options.idle_timeout = Duration::from_millis(1500);
    options
}

/// The status of a plain list request on a new connection.
async fn list_status(emulator: &Running) -> u16 {
    emulator.call("GET", SET, b"").await.status
}

/// Reads until the server closes the connection or `limit` passes; `Err` when it is still open then.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Result<Vec<u8>, ()> {
    let mut seen = Vec::new();
    tokio::time::timeout(limit, async {
        let mut chunk = [0_u8; 1024];
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await
    .map_err(|_| ())?;
    Ok(seen)
}

#[tokio::test]
async fn a_slow_header_client_is_dropped_while_a_normal_one_is_answered_promptly() {
    let emulator = Running::start(short_timeouts()).await;
    let mut slow = TcpStream::connect(emulator.addr).await.unwrap();
    let started = Instant::now();
    let dribble = async {
        for byte in b"GET /beta/deviceManagement/managedDeviceWindowsOSImages HTTP/1.1\r\n" {
            if slow.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    // Meanwhile a normal client gets its answer at once.
    let normal = async {
        let begun = Instant::now();
        let answer = emulator.call("GET", SET, b"").await;
        (answer.status, begun.elapsed())
    };
    let ((status, took), ()) = tokio::join!(normal, dribble);
    assert_eq!(status, 200);
    assert!(
        took < Duration::from_secs(2),
        "the normal client waited {took:?}"
    );
    let left = closed_within(&mut slow, Duration::from_secs(5)).await;
    assert!(left.is_ok(), "the slow client is disconnected");
    assert!(
        left.unwrap().is_empty(),
        "nothing is answered to a request that never finished its headers"
    );
    // Dropped by the header-read timeout (0.4 s), not after the whole dribble (6.6 s) or the idle timeout.
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    emulator.stop().await;
}

#[tokio::test]
async fn a_connection_that_waits_then_dribbles_its_headers_gets_the_header_timeout_not_the_idle_one()
 {
    let mut options = ServeOptions::local();
    options.header_read_timeout = Duration::from_millis(400);
    options.idle_timeout = Duration::from_secs(60);
    let emulator = Running::start(options).await;
    let mut slow = TcpStream::connect(emulator.addr).await.unwrap();
    // Accepted and idle first, so the connection's watchdog is already waiting for the (60 s) idle limit.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    slow.write_all(b"GET /beta HTTP/1.1\r\nHo").await.unwrap();
    let left = closed_within(&mut slow, Duration::from_secs(10)).await;
    assert!(left.is_ok(), "the slow client is disconnected");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "closed by the 0.4 s header-read limit, not the idle one: {:?}",
        started.elapsed()
    );
    emulator.stop().await;
}

#[tokio::test]
async fn a_body_dribbled_past_the_body_read_timeout_gets_408_and_the_connection_is_closed() {
    let mut options = ServeOptions::local();
    options.body_read_timeout = Duration::from_millis(500);
    let emulator = Running::start(options).await;
    let mut slow = TcpStream::connect(emulator.addr).await.unwrap();
    let started = Instant::now();
    slow.write_all(
        format!("PATCH {SET}/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{")
            .as_bytes(),
    )
    .await
    .unwrap();
    // A byte every 100 ms would finish the body in 10 s; the emulator does not wait for it.
    let mut answer = Vec::new();
    let mut chunk = [0_u8; 4096];
    while started.elapsed() < Duration::from_secs(8) {
        if slow.write_all(b" ").await.is_err() {
            break;
        }
        match tokio::time::timeout(Duration::from_millis(100), slow.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => answer.extend_from_slice(&chunk[..n]),
            Err(_) => {}
        }
    }
    let answer = parse(&answer).expect("an HTTP answer before the connection closed");
    assert_eq!(answer.status, 408, "{answer:?}");
    answer.assert_graph_error("RequestTimeout");
    assert_eq!(answer.header("connection"), Some("close"));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "answered at the 0.5 s body deadline: {:?}",
        started.elapsed()
    );
    // Others were served meanwhile, and still are.
    assert_eq!(list_status(&emulator).await, 200);
    emulator.stop().await;
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout_not_the_header_one() {
    let emulator = Running::start(short_timeouts()).await;
    let mut idle = TcpStream::connect(emulator.addr).await.unwrap();
    let started = Instant::now();
    idle.write_all(format!("GET {SET}/$count HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let seen = closed_within(&mut idle, Duration::from_secs(10))
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(String::from_utf8_lossy(&seen).starts_with("HTTP/1.1 200"));
    assert!(
        waited >= Duration::from_millis(1400),
        "kept open for the idle timeout, not closed by the header one: {waited:?}"
    );
    emulator.stop().await;
}

#[tokio::test]
async fn connections_past_the_cap_get_a_graph_503_and_the_held_ones_still_work() {
    let mut options = ServeOptions::local();
    options.max_connections = 3;
    let emulator = Running::start(options).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(emulator.addr).await.unwrap());
    }
    // Let the accept loop take all three before the fourth arrives.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let refused = emulator.call("GET", SET, b"").await;
    assert_eq!(refused.status, 503);
    assert_eq!(refused.header("retry-after"), Some("1"));
    refused.assert_graph_error("ServiceUnavailable");

    // A held connection is served; once it closes, a new one is accepted again.
    let mut first = held.remove(0);
    first
        .write_all(&request("GET", &format!("{SET}/$count"), &[], b""))
        .await
        .unwrap();
    let mut answer = Vec::new();
    first.read_to_end(&mut answer).await.unwrap();
    assert_eq!(parse(&answer).unwrap().status, 200);
    drop(first);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(list_status(&emulator).await, 200);
    emulator.stop().await;
}

#[tokio::test]
async fn broken_http_gets_graph_error_bodies_with_a_request_id() {
    let emulator = Running::start(ServeOptions::local()).await;
    let long_header = "a".repeat(512 * 1024);
    let many: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    // hyper refuses a request target over 64 KiB.
    let long_target = format!("{SET}?$filter={}", "a".repeat(70 * 1024));
    for (case, raw, status, code) in [
        (
            "a header without a colon",
            "GET / HTTP/1.1\r\nHost x\r\n\r\n".to_owned(),
            400,
            "BadRequest",
        ),
        (
            "a 512 KiB header",
            format!("GET {SET} HTTP/1.1\r\nHost: x\r\nX-Big: {long_header}\r\n\r\n"),
            431,
            "RequestHeaderFieldsTooLarge",
        ),
        (
            "200 headers",
            format!("GET {SET} HTTP/1.1\r\nHost: x\r\n{many}\r\n"),
            431,
            "RequestHeaderFieldsTooLarge",
        ),
        (
            "a 70 KiB target",
            format!("GET {long_target} HTTP/1.1\r\nHost: x\r\n\r\n"),
            414,
            "RequestUriTooLong",
        ),
    ] {
        let answer = send(emulator.addr, raw.as_bytes()).await;
        assert_eq!(answer.status, status, "{case}");
        answer.assert_graph_error(code);
    }
    assert_eq!(list_status(&emulator).await, 200, "still serving");
    emulator.stop().await;
}

#[tokio::test]
async fn a_client_that_half_closes_after_its_request_is_still_answered() {
    let emulator = Running::start(ServeOptions::local()).await;
    let mut answered = 0;
    for _ in 0..40 {
        let mut stream = TcpStream::connect(emulator.addr).await.unwrap();
        stream
            .write_all(&request("GET", &format!("{SET}/$count"), &[], b""))
            .await
            .unwrap();
        stream.shutdown().await.unwrap();
        let mut answer = Vec::new();
        let _ =
            tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
        if parse(&answer).is_some_and(|a| a.status == 200) {
            answered += 1;
        }
    }
    assert_eq!(answered, 40, "every half-closed request gets its answer");
    emulator.stop().await;
}
