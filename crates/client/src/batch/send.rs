//! Preparing steps (ids, validation) and sending them in rounds of `$batch` requests, resending throttled items.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, RETRY_AFTER};
use http::{Method, StatusCode};
use intune_osimages_transport::{Response, parse_retry_after};
use intune_osimages_validate::{Finding, Report};
use serde::Deserialize;
use serde_json::Value;
use tracing::Instrument;

use super::step::{StepResponse, StepSpec, body_bytes};
use super::{BatchResults, Entry, plan};
use crate::call::Call;
use crate::decode::decode;
use crate::os_images::prepare as validate_body;
use crate::pipeline::Pipeline;
use crate::{Client, Error};

/// Steps ready to send: ids assigned, bodies validated and serialized.
#[derive(Debug)]
pub(super) struct Prepared {
    ids: Vec<String>,
    items: Vec<Item>,
    depends_on: Vec<Vec<usize>>,
}

#[derive(Debug)]
struct Item {
    operation: &'static str,
    method: Method,
    url: String,
    headers: Vec<(String, String)>,
    /// The validated body as JSON text.
    body: Option<Bytes>,
}

/// Assigns ids and validates every step; nothing is sent. Every validation finding of every step is reported at
/// once, at `/requests/{position}/body{path}`.
pub(super) fn prepare(
    steps: Vec<StepSpec>,
    depends_on: Vec<Vec<usize>>,
    allow_read_only: bool,
) -> Result<Prepared, Error> {
    let ids = assign_ids(&steps)?;
    let mut findings: Vec<Finding> = Vec::new();
    let mut items = Vec::with_capacity(steps.len());
    for (position, spec) in steps.into_iter().enumerate() {
        let url = spec.url.map_err(|e| at_step(position, &e))?;
        let body = match spec.body {
            None => None,
            Some(body) => match body.validation {
                Some((operation, mut policy)) => {
                    policy.allow_read_only |= allow_read_only;
                    match validate_body(body.value, operation, policy) {
                        Ok(bytes) => Some(bytes),
                        Err(Error::Validation(report)) => {
                            findings.extend(report.into_findings().into_iter().map(|mut f| {
                                f.path = format!("/requests/{position}/body{}", f.path);
                                f
                            }));
                            None
                        }
                        Err(e) => return Err(at_step(position, &e)),
                    }
                }
                None => {
                    let value = body.value.map_err(|e| at_step(position, &e))?;
                    Some(Bytes::from(serde_json::to_vec(&value).map_err(|e| {
                        Error::configuration(format!(
                            "step {position}: cannot serialize the body: {e}"
                        ))
                    })?))
                }
            },
        };
        items.push(Item {
            operation: spec.operation,
            method: spec.method,
            url,
            headers: spec.headers,
            body,
        });
    }
    let report = Report::from(findings);
    if report.has_errors() {
        return Err(Error::Validation(report));
    }
    Ok(Prepared {
        ids,
        items,
        depends_on,
    })
}

fn at_step(position: usize, e: &Error) -> Error {
    match e {
        Error::Configuration(m) => Error::configuration(format!("step {position}: {m}")),
        other => other.clone(),
    }
}

/// The caller's ids where given (unique ignoring case, as Graph requires), others numbered from 1 around them.
fn assign_ids(steps: &[StepSpec]) -> Result<Vec<String>, Error> {
    let mut taken: Vec<String> = Vec::new();
    for (position, spec) in steps.iter().enumerate() {
        if let Some(id) = &spec.id {
            if id.trim().is_empty() {
                return Err(Error::configuration(format!(
                    "step {position}: a batch step id must not be empty"
                )));
            }
            if let Some(first) = taken.iter().position(|t| t.eq_ignore_ascii_case(id)) {
                return Err(Error::configuration(format!(
                    "step {position}: the id {id:?} repeats the id of step {first}; ids must be unique (ignoring case)"
                )));
            }
        }
        taken.push(spec.id.clone().unwrap_or_default());
    }
    let mut next = 1_usize;
    let mut ids = Vec::with_capacity(steps.len());
    for (spec, reserved) in steps.iter().zip(&taken) {
        match &spec.id {
            Some(_) => ids.push(reserved.clone()),
            None => {
                while taken.iter().any(|t| *t == next.to_string()) {
                    next += 1;
                }
                ids.push(next.to_string());
                next += 1;
            }
        }
    }
    Ok(ids)
}

/// A step's answer while rounds are still running.
type Answer = Result<(StepResponse, Response), Error>;

/// Sends every step, then resends the throttled ones (and their 424 dependents) in later rounds.
pub(super) async fn run(
    client: &Client,
    token: u64,
    prepared: Prepared,
) -> Result<BatchResults, Error> {
    let pipeline = client.pipeline();
    let policy = &pipeline.retry;
    let n = prepared.items.len();
    let mut answers: Vec<Option<Answer>> = (0..n).map(|_| None).collect();
    let mut retries = vec![0_u32; n];
    let mut pending: Vec<usize> = (0..n).collect();
    // The first split is the only one that can fail, and it fails before anything is sent.
    let mut batches = plan::split(&pending, &prepared.depends_on, &prepared.ids)?;
    let mut round = 0_u32;
    let mut requests_sent = 0;
    loop {
        for chunk in &batches {
            requests_sent += 1;
            let answered = send_batch(pipeline, &prepared, chunk, &retries, round).await;
            for (&step, answer) in chunk.iter().zip(answered) {
                if let Some(slot) = answers.get_mut(step) {
                    *slot = Some(answer);
                }
            }
        }
        let now = pipeline.clock.now();
        let mut again: Vec<usize> = Vec::new();
        let mut wait = Duration::ZERO;
        for &step in &pending {
            let Some(Some(Ok((_, answer)))) = answers.get(step) else {
                continue;
            };
            let status = answer.status();
            if policy.is_retry_status(status) {
                let used = retries.get(step).copied().unwrap_or(u32::MAX);
                if used >= policy.retries() {
                    tracing::warn!(
                        status = status.as_u16(),
                        "batch item: retries exhausted; keeping its answer"
                    );
                    continue;
                }
                let delay = match answer
                    .headers()
                    .get(RETRY_AFTER)
                    .and_then(|v| parse_retry_after(v, now))
                {
                    Some(d) if d > policy.delay_cap() => {
                        tracing::warn!(
                            retry_after_ms = millis(d),
                            "batch item: Retry-After is beyond the maximum delay; not waiting"
                        );
                        continue;
                    }
                    Some(d) => d,
                    None => policy.backoff(used + 1, rand::random::<f64>()),
                };
                wait = wait.max(delay);
                tracing::debug!(
                    step = prepared.ids.get(step).map_or("", String::as_str),
                    operation = prepared.items.get(step).map_or("", |i| i.operation),
                    status = status.as_u16(),
                    delay_ms = millis(delay),
                    "batch item not run; sending it again"
                );
                again.push(step);
            } else if status == StatusCode::FAILED_DEPENDENCY {
                // It never ran: resend it when every dependency has succeeded or is being resent.
                let ready = prepared
                    .depends_on
                    .get(step)
                    .into_iter()
                    .flatten()
                    .all(|d| again.contains(d) || succeeded(&answers, *d));
                if ready {
                    again.push(step);
                }
            }
        }
        if again.is_empty() {
            break;
        }
        tracing::debug!(
            steps = again.len(),
            delay_ms = millis(wait),
            "batch: resending throttled items"
        );
        pipeline.clock.sleep(wait).await;
        for &step in &again {
            let throttled = matches!(answers.get(step), Some(Some(Ok((_, a)))) if policy.is_retry_status(a.status()));
            if let (true, Some(used)) = (throttled, retries.get_mut(step)) {
                *used += 1;
            }
        }
        batches = plan::split(&again, &prepared.depends_on, &prepared.ids).unwrap_or_else(|_| {
            again
                .chunks(super::MAX_STEPS_PER_BATCH)
                .map(<[usize]>::to_vec)
                .collect()
        });
        pending = again;
        round += 1;
    }
    let entries = answers
        .into_iter()
        .enumerate()
        .map(|(step, answer)| {
            let answer =
                answer.unwrap_or_else(|| Err(Error::configuration("the step was never sent")));
            match answer {
                Ok((response, answer)) => Entry {
                    response,
                    answer: Ok(answer),
                },
                Err(e) => Entry {
                    response: unanswered(&prepared, step),
                    answer: Err(e),
                },
            }
        })
        .collect();
    Ok(BatchResults {
        token,
        entries,
        requests_sent,
    })
}

fn succeeded(answers: &[Option<Answer>], step: usize) -> bool {
    matches!(answers.get(step), Some(Some(Ok((_, a)))) if a.status().is_success())
}

fn unanswered(prepared: &Prepared, step: usize) -> StepResponse {
    let item = prepared.items.get(step);
    StepResponse {
        id: prepared.ids.get(step).cloned().unwrap_or_default(),
        method: item.map(|i| i.method.to_string()).unwrap_or_default(),
        url: item.map(|i| i.url.clone()).unwrap_or_default(),
        status: None,
        headers: BTreeMap::new(),
        body: None,
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Graph's batch answer.
#[derive(Debug, Deserialize)]
struct Envelope {
    responses: Vec<WireItem>,
}

#[derive(Debug, Deserialize)]
struct WireItem {
    id: String,
    status: u16,
    #[serde(default)]
    headers: serde_json::Map<String, Value>,
    #[serde(default)]
    body: Option<Value>,
}

/// Sends one `$batch` request for the steps in `chunk` and returns their answers in the same order.
async fn send_batch(
    pipeline: &Pipeline,
    prepared: &Prepared,
    chunk: &[usize],
    retries: &[u32],
    round: u32,
) -> Vec<Answer> {
    let span = tracing::info_span!("osimages.batch", steps = chunk.len(), round);
    async {
        let body = envelope(prepared, chunk, retries);
        let url = pipeline.url("/$batch");
        let answer = pipeline
            .send(Call::new("batch", Method::POST, &url).body(body))
            .await
            .and_then(|response| decode::<Envelope>(&response).map(|e| (e, response)));
        match answer {
            Err(e) => chunk.iter().map(|_| Err(e.clone())).collect(),
            Ok((mut envelope, response)) => chunk
                .iter()
                .map(|&step| {
                    let id = prepared.ids.get(step).map_or("", String::as_str);
                    let found = envelope
                        .responses
                        .iter()
                        .position(|r| r.id == id)
                        .or_else(|| {
                            envelope
                                .responses
                                .iter()
                                .position(|r| r.id.eq_ignore_ascii_case(id))
                        });
                    match found {
                        Some(k) => item_answer(prepared, step, envelope.responses.swap_remove(k)),
                        None => Err(Error::Decode(crate::DecodeError::new(
                            "responses".to_owned(),
                            format!("the batch answer has no response with the id {id:?}"),
                            response.status().as_u16(),
                            crate::decode::header_str(response.headers(), "request-id")
                                .map(str::to_owned),
                        ))),
                    }
                })
                .collect(),
        }
    }
    .instrument(span)
    .await
}

/// `{"requests":[...]}` for the steps in `chunk`, written by hand so each validated body goes out byte for byte;
/// dependencies outside the chunk (steps that already succeeded) are left out.
fn envelope(prepared: &Prepared, chunk: &[usize], retries: &[u32]) -> Bytes {
    let text = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned());
    let mut out = String::from("{\"requests\":[");
    for (k, &step) in chunk.iter().enumerate() {
        let (Some(id), Some(item)) = (prepared.ids.get(step), prepared.items.get(step)) else {
            continue;
        };
        if k > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            "{{\"id\":{},\"method\":{},\"url\":{}",
            text(id),
            text(item.method.as_str()),
            text(&item.url)
        ));
        let mut headers: Vec<(String, String)> = item.headers.clone();
        if let Some(&n) = retries.get(step).filter(|n| **n > 0) {
            headers.push(("Retry-Attempt".to_owned(), n.to_string()));
        }
        if !headers.is_empty() {
            let listed: Vec<String> = headers
                .iter()
                .map(|(name, value)| format!("{}:{}", text(name), text(value)))
                .collect();
            out.push_str(&format!(",\"headers\":{{{}}}", listed.join(",")));
        }
        let deps: Vec<String> = prepared
            .depends_on
            .get(step)
            .into_iter()
            .flatten()
            .filter(|d| chunk.contains(d))
            .filter_map(|d| prepared.ids.get(*d).map(|id| text(id)))
            .collect();
        if !deps.is_empty() {
            out.push_str(&format!(",\"dependsOn\":[{}]", deps.join(",")));
        }
        if let Some(body) = &item.body {
            out.push_str(",\"body\":");
            out.push_str(&String::from_utf8_lossy(body));
        }
        out.push('}');
    }
    out.push_str("]}");
    Bytes::from(out)
}

/// One item of the answer as a response the single-request decoders read.
fn item_answer(prepared: &Prepared, step: usize, item: WireItem) -> Answer {
    let status = StatusCode::from_u16(item.status).map_err(|_| {
        Error::Decode(crate::DecodeError::new(
            "responses[].status".to_owned(),
            format!("{} is not an HTTP status", item.status),
            200,
            None,
        ))
    })?;
    let mut headers = BTreeMap::new();
    let mut response = Response::new(Bytes::new());
    for (name, value) in &item.headers {
        let value = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if let (Ok(n), Ok(v)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_str(&value),
        ) {
            response.headers_mut().append(n, v);
        }
        headers.insert(name.to_ascii_lowercase(), value);
    }
    *response.status_mut() = status;
    *response.body_mut() = body_bytes(
        item.body.as_ref(),
        headers.get("content-type").map(String::as_str),
    );
    let base = unanswered(prepared, step);
    let step_response = StepResponse {
        status: Some(item.status),
        headers,
        body: item.body,
        ..base
    };
    Ok((step_response, response))
}
