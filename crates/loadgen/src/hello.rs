//! The baseline server: an axum hello world answering every request with the same canned bytes, on one core like
//! the emulator, so "emulator GETs/s as a ratio of this" is the emulator's own cost over axum's floor.

use std::net::SocketAddr;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use bytes::Bytes;

/// Serves the bytes of `--body-file` as `application/json` to every request on `127.0.0.1:0`, printing
/// `listening on http://ADDR/beta` first, until killed.
pub async fn serve(body: Bytes) -> Result<(), String> {
    let app = Router::new().fallback(move || {
        let body = body.clone();
        async move { ([(CONTENT_TYPE, "application/json")], body).into_response() }
    });
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| format!("cannot bind: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("listening on http://{addr}/beta");
    axum::serve(listener, app)
        .await
        .map_err(|e| format!("the hello server stopped: {e}"))
}
