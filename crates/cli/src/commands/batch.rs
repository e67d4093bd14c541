//! `batch FILE|-`: a body in Graph's `$batch` format sent through the SDK's batching (split past 20, throttled
//! items resent), each item's answer printed as a table row or merged into one `{"responses":[...]}`.

use std::collections::HashMap;

use http::Method;
use intune_osimages::{Client, RawStep, Step, StepResponse};
use serde_json::{Map, Value, json};

use crate::exit::{self, Failure};
use crate::table::Table;
use crate::ui::Ui;
use crate::user_body::read_body;

/// One request of the file, checked.
struct Request {
    id: String,
    step: RawStep,
    depends_on: Vec<String>,
}

pub async fn run(
    client: &Client,
    ui: &Ui,
    source: &str,
    allow_read_only: bool,
) -> Result<(), Failure> {
    let body = read_body(ui, source)?.value;
    let requests = read_requests(&body, source)?;
    let mut batch = client.batch();
    if allow_read_only {
        batch = batch.allow_read_only();
    }
    let mut steps: HashMap<String, Step<StepResponse>> = HashMap::new();
    let mut added: Vec<(Step<StepResponse>, Vec<String>)> = Vec::new();
    for request in requests {
        let step = batch.raw(request.step);
        steps.insert(request.id.to_ascii_lowercase(), step);
        added.push((step, request.depends_on));
    }
    for (step, depends_on) in &added {
        for id in depends_on {
            if let Some(on) = steps.get(&id.to_ascii_lowercase()) {
                batch.depends_on(step, on);
            }
        }
    }
    let results = batch.send().await?;
    let failed = results.responses().filter(|r| !r.succeeded()).count();
    if ui.is_json() {
        let merged: Vec<Value> = results.responses().map(to_wire).collect();
        ui.json(&json!({ "responses": merged }))?;
    } else {
        let mut table = Table::new(["ID", "METHOD", "URL", "STATUS"]);
        for r in results.responses() {
            table.row(vec![
                r.id.clone(),
                r.method.clone(),
                r.url.clone(),
                r.status
                    .map_or_else(|| "no answer".to_owned(), |s| s.to_string()),
            ]);
        }
        ui.print(&table.render(ui.layout))?;
    }
    if failed > 0 {
        let unanswered: Vec<String> = (0..added.len())
            .filter_map(|i| added.get(i))
            .filter_map(|(step, _)| results.get(step).err())
            .filter(|e| e.status().is_none())
            .map(|e| e.to_string())
            .collect();
        let mut message = format!("{failed} of {} requests failed", results.responses().len());
        if let Some(first) = unanswered.first() {
            message.push_str(&format!(" ({first})"));
        }
        let code = if unanswered.is_empty() {
            exit::GRAPH
        } else {
            exit::TRANSPORT
        };
        return Err(Failure { code, message });
    }
    Ok(())
}

/// An item as Graph writes it in a batch answer.
fn to_wire(r: &StepResponse) -> Value {
    let mut item = Map::new();
    item.insert("id".into(), json!(r.id));
    item.insert("status".into(), json!(r.status));
    item.insert("headers".into(), json!(r.headers));
    if let Some(body) = &r.body {
        item.insert("body".into(), body.clone());
    }
    Value::Object(item)
}

/// Reads `{"requests":[...]}`, naming the JSON Pointer of every mistake (a usage error: exit 2).
fn read_requests(body: &Value, source: &str) -> Result<Vec<Request>, Failure> {
    let name = if source == "-" { "<stdin>" } else { source };
    let mut problems: Vec<String> = Vec::new();
    let Some(items) = body.get("requests").and_then(Value::as_array) else {
        return Err(Failure::usage(format!(
            "{name}: /requests: expected {{\"requests\":[{{\"id\",\"method\",\"url\"}}]}}, Graph's $batch body"
        )));
    };
    let mut requests: Vec<Request> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("/requests/{i}");
        let text = |key: &str, problems: &mut Vec<String>| match item.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(_) => {
                problems.push(format!("{at}/{key}: expected a non-empty string"));
                None
            }
            None => {
                problems.push(format!("{at}/{key}: missing"));
                None
            }
        };
        if !item.is_object() {
            problems.push(format!(
                "{at}: expected an object with \"id\", \"method\" and \"url\""
            ));
            continue;
        }
        let id = text("id", &mut problems);
        let method = text("method", &mut problems).and_then(|m| {
            let parsed = Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok();
            if parsed.is_none() {
                problems.push(format!("{at}/method: {m:?} is not an HTTP method"));
            }
            parsed
        });
        let url = text("url", &mut problems);
        let mut headers: Vec<(String, String)> = Vec::new();
        match item.get("headers") {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (k, v) in map {
                    match v.as_str() {
                        Some(v) => headers.push((k.clone(), v.to_owned())),
                        None => problems.push(format!("{at}/headers/{k}: expected a string")),
                    }
                }
            }
            Some(_) => problems.push(format!("{at}/headers: expected an object")),
        }
        let mut depends_on = Vec::new();
        match item.get("dependsOn") {
            None | Some(Value::Null) => {}
            Some(Value::Array(ids)) => {
                for (k, dep) in ids.iter().enumerate() {
                    match dep.as_str() {
                        Some(dep) if requests.iter().any(|r| r.id.eq_ignore_ascii_case(dep)) => {
                            depends_on.push(dep.to_owned());
                        }
                        Some(dep) => problems.push(format!(
                            "{at}/dependsOn/{k}: no earlier request has the id {dep:?}"
                        )),
                        None => problems.push(format!("{at}/dependsOn/{k}: expected an id")),
                    }
                }
            }
            Some(_) => problems.push(format!("{at}/dependsOn: expected an array of ids")),
        }
        if let (Some(id), Some(method), Some(url)) = (id, method, url) {
            if requests.iter().any(|r| r.id.eq_ignore_ascii_case(&id)) {
                problems.push(format!(
                    "{at}/id: {id:?} repeats an earlier id (ids are compared ignoring case)"
                ));
                continue;
            }
            let mut step = RawStep::new(method, url).id(id.clone());
            for (k, v) in headers {
                step = step.header(k, v);
            }
            if let Some(body) = item.get("body").filter(|b| !b.is_null()) {
                step = step.body(body.clone());
            }
            requests.push(Request {
                id,
                step,
                depends_on,
            });
        }
    }
    if requests.is_empty() && problems.is_empty() {
        problems.push("/requests: the batch holds no requests".to_owned());
    }
    if problems.is_empty() {
        Ok(requests)
    } else {
        Err(Failure::usage(format!("{name}: {}", problems.join("; "))))
    }
}
