//! Turning reqwest's errors into transport errors, keeping reqwest's types out of the public API.

use intune_osimages_transport::TransportError;

/// A failure to get a response head: connect failures were never sent; anything else may have been. reqwest's
/// error is kept as the source (as `dyn Error`, so no reqwest type is public), reaching the I/O or TLS cause.
pub(crate) fn send_error(error: reqwest::Error) -> TransportError {
    let message = describe(&error);
    kind_of_send(&error, message).with_source(error)
}

fn kind_of_send(error: &reqwest::Error, message: String) -> TransportError {
    if error.is_builder() {
        TransportError::invalid_request(message)
    } else if error.is_connect() {
        // Checked before timeouts: a connect timeout never reached the server.
        TransportError::connect(message)
    } else if error.is_timeout() {
        TransportError::timeout(message)
    } else {
        TransportError::io(message)
    }
}

/// A failure while reading a response body: the request was certainly sent.
pub(crate) fn body_error(error: reqwest::Error) -> TransportError {
    let message = format!("reading the response body: {}", describe(&error));
    let e = if error.is_timeout() {
        TransportError::timeout(message)
    } else {
        TransportError::io(message)
    };
    e.with_source(error)
}

/// The error and its sources on one line ("error sending request ...: client error (Connect): tcp connect error:
/// Connection refused"), so the root cause is visible without any reqwest type.
fn describe(error: &reqwest::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}
