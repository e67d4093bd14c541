//! One module per operation; `dispatch` picks the operation from the route and method.

mod collection;
mod create;
mod delete;
mod get;
mod update;
mod write_body;

pub(crate) use write_body::{Strictness, check_content_type, refused};

use http::Method;
use intune_osimages_transport::Request;

use crate::graph::ServiceState;
use crate::query::Query;
use crate::reply::{GraphError, Reply};
use crate::route::{self, Route, Target};

/// The operations of the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    List,
    Create,
    Count,
    Get,
    Update,
    Delete,
    GetAll,
}

/// Routes the request, checks the method, reads the query options and runs the operation.
pub(crate) fn dispatch(graph: &ServiceState, request: &Request) -> Result<Reply, GraphError> {
    let route = route::route(request)?;
    let method = request.method();
    let op = match (&route.target, method) {
        (Target::Collection, &Method::GET) => Op::List,
        (Target::Collection, &Method::POST) => Op::Create,
        (Target::Collection, _) => {
            return Err(GraphError::method_not_allowed(
                method,
                "the collection",
                "GET, POST",
            ));
        }
        (Target::Count, &Method::GET) => Op::Count,
        (Target::Count, _) => return Err(GraphError::method_not_allowed(method, "$count", "GET")),
        (Target::Item(_), &Method::GET) => Op::Get,
        (Target::Item(_), &Method::PATCH) => Op::Update,
        (Target::Item(_), &Method::DELETE) => Op::Delete,
        (Target::Item(_), _) => {
            return Err(GraphError::method_not_allowed(
                method,
                "an image",
                "GET, PATCH, DELETE",
            ));
        }
        (Target::GetAll(_), &Method::GET) => Op::GetAll,
        (Target::GetAll(_), _) => {
            return Err(GraphError::method_not_allowed(
                method,
                "getAllManagedDeviceWindowsOSImages()",
                "GET",
            ));
        }
    };
    let query = Query::parse(request.uri().query(), graph.strict_enums)?;
    let key = match &route.target {
        Target::Item(id) | Target::GetAll(id) => id.as_str(),
        Target::Collection | Target::Count => "",
    };
    run(graph, op, &route, &query, key, request)
}

fn run(
    graph: &ServiceState,
    op: Op,
    route: &Route,
    query: &Query,
    key: &str,
    request: &Request,
) -> Result<Reply, GraphError> {
    match op {
        Op::List => collection::list(graph, route, query),
        Op::GetAll => collection::get_all(graph, route, query, key),
        Op::Count => collection::count(graph, query),
        Op::Get => get::get(graph, route, query, key),
        Op::Create => create::create(graph, route, query, request),
        Op::Update => update::update(graph, route, query, key, request),
        Op::Delete => delete::delete(graph, query, key),
    }
}
