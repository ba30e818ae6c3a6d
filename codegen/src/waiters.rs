//! Named waiters checked against the action they poll: the status member
//! is reached through object members of the answer and is an integer or a
//! string (or a value set of either), every value fits it, and the actions
//! whose work they wait for exist.

use std::collections::HashSet;

use serde_json::Value;

use crate::check::response_path;
use crate::diag::{Diag, child};
use crate::ir::{Action, Api, SetKind, SetLiteral, Type, Waiter};
use crate::load::{RawWaiter, kind};
use crate::names::is_snake_ident;

pub(crate) fn check(api: &Api, a: &Action, raw: &[RawWaiter], d: &mut Diag) -> Vec<Waiter> {
    let mut methods = HashSet::new();
    raw.iter()
        .filter_map(|w| {
            let method = format!("wait_until_{}", w.name);
            let name_path = child(&w.path, "name");
            if !is_snake_ident(&w.name) {
                d.report(
                    &name_path,
                    format!("\"{}\" is not a snake_case name", w.name),
                );
                return None;
            }
            if !methods.insert(method.clone()) {
                d.report(&name_path, format!("a second waiter named \"{}\"", w.name));
                return None;
            }
            // The method sits on the request beside the members' setters.
            if a.request
                .fields
                .iter()
                .any(|f| f.ident == method || format!("set_{}", f.ident) == method)
            {
                d.report(
                    &name_path,
                    format!("`{method}` is taken by a request member's setter"),
                );
                return None;
            }
            waiter(api, a, w, method, d)
        })
        .collect()
}

fn waiter(api: &Api, a: &Action, w: &RawWaiter, method: String, d: &mut Diag) -> Option<Waiter> {
    let status_path = child(&w.path, "status");
    let (status, status_type) = match response_path(api, a, &w.status) {
        Ok(found) => found,
        Err(e) => {
            d.report(&status_path, e);
            return None;
        }
    };
    let set_kind = match &status_type {
        Type::Int64 | Type::Uint64 => SetKind::Int64,
        Type::String => SetKind::String,
        Type::ValueSet(i) => api.value_sets[*i].kind,
        _ => {
            d.report(
                &status_path,
                format!("\"{}\" must be an integer or a string member", w.status),
            );
            return None;
        }
    };
    let literals = |values: &[(Value, String)], d: &mut Diag| -> Vec<SetLiteral> {
        values
            .iter()
            .filter_map(|(v, p)| match (set_kind, v) {
                (SetKind::Int64, Value::Number(n)) if n.as_i64().is_some() => {
                    n.as_i64().map(SetLiteral::Int)
                }
                (SetKind::String, Value::String(s)) => Some(SetLiteral::String(s.clone())),
                (SetKind::Int64, other) => {
                    d.report(p, format!("expected an integer, found {}", kind(other)));
                    None
                }
                (SetKind::String, other) => {
                    d.report(p, format!("expected a string, found {}", kind(other)));
                    None
                }
            })
            .collect()
    };
    let done = literals(&w.done, d);
    let failed = literals(&w.failed, d);
    if w.done.is_empty() {
        d.report(
            &child(&w.path, "done"),
            "lists no value: the wait could never end as done",
        );
    }
    if let Some(both) = done.iter().find(|v| failed.contains(v)) {
        d.report(
            &child(&w.path, "failed"),
            format!("{both:?} is listed as done too"),
        );
    }
    let after = w
        .after
        .iter()
        .filter_map(|(name, p)| {
            let found = api.actions.iter().position(|x| x.wire_name == *name);
            if found.is_none() {
                d.report(p, format!("\"{name}\" is not an action"));
            }
            found
        })
        .collect();
    Some(Waiter {
        method,
        document: w.document.clone(),
        after,
        status,
        status_wire: w.status.clone(),
        status_type,
        done,
        failed,
    })
}
