//! The engine behind the resource families (`families/`): one store per
//! family row of a service, seeded from the examples, and the collections
//! every other paginated action pages over. Generic: it knows a family only
//! by its row, an action only by its operations table entry and example.
//!
//! What each verb does:
//! - a create stores the request's members (the row's aliases renamed; with
//!   `each`, one item per element of a list member) under the request's id
//!   or a new one, and answers its example with the id where the row says;
//! - a list keeps the items whose parents equal the request's (an empty or
//!   absent parent lists all), pages them by the action's `PageInfo`
//!   (`Offset`, `Limit`: 0 or absent is the default page size) and answers
//!   its example with the page at the items path, each item shaped like the
//!   example's first item (members the item lacks are zero values), and the
//!   true total;
//! - a describe answers its example with `Data` shaped the same way;
//! - a modify stores the request's members, a delete removes the item;
//! - an unknown id is the row's `not_found` code.
//!
//! Bounded: a family holds at most its seed plus the configured cap of
//! created items (`LimitExceeded` past it); an item at most
//! [`MAX_ITEM_BYTES`] of members as JSON (`InvalidParameterValue` past it),
//! and a service's families [`BUDGET_BYTES`] together (`LimitExceeded`);
//! a collection what the examples or a test put in it.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::examples::{Examples, set_path};
use super::families::{Create, Family, Modify, families};
use super::verify::{ApiError, excerpt};
use tencentcloud_runtime::operation::{OperationInfo, PageInfo, ParamType, ServiceInfo};

/// The most one stored item may hold, as JSON text.
pub(crate) const MAX_ITEM_BYTES: usize = 16 << 10;
/// The most one service's families may hold together, as JSON text.
pub(crate) const BUDGET_BYTES: usize = 32 << 20;

enum Verb {
    Create(&'static Create),
    List,
    Describe,
    Modify(&'static Modify),
    Delete,
}

/// One family's items.
struct Store {
    family: &'static Family,
    items: Vec<Map<String, Value>>,
    /// Each item's size as JSON text, and their sum.
    sizes: Vec<usize>,
    bytes: usize,
    /// Whether its ids are integers (by the operations table).
    int_ids: bool,
    /// Items it may hold: the seed's plus the cap.
    capacity: usize,
    next: u64,
}

/// One service's families and collections.
pub(crate) struct Resources {
    stores: Vec<Store>,
    /// Each action a row names: its store and verb.
    actions: HashMap<&'static str, (usize, Verb)>,
    /// The items of each paginated action of no family.
    collections: HashMap<&'static str, Vec<Value>>,
    cap: usize,
}

impl Resources {
    /// `service`'s families (none when `on` is false), seeded from its
    /// examples; each may create `cap` items.
    pub(crate) fn new(service: &ServiceInfo, examples: &Examples, cap: usize, on: bool) -> Self {
        let mut r = Resources {
            stores: Vec::new(),
            actions: HashMap::new(),
            collections: HashMap::new(),
            cap,
        };
        if !on {
            return r;
        }
        for family in families(service.name) {
            let i = r.stores.len();
            for c in family.creates {
                r.actions.insert(c.action, (i, Verb::Create(c)));
            }
            for a in family.lists {
                r.actions.insert(a, (i, Verb::List));
            }
            for a in family.describes {
                r.actions.insert(a, (i, Verb::Describe));
            }
            for m in family.modifies {
                r.actions.insert(m.action, (i, Verb::Modify(m)));
            }
            for a in family.deletes {
                r.actions.insert(a, (i, Verb::Delete));
            }
            let mut store = Store {
                family,
                items: Vec::new(),
                sizes: Vec::new(),
                bytes: 0,
                int_ids: int_ids(service, family),
                capacity: 0,
                next: 1,
            };
            store.seed(service, examples);
            store.capacity = store.items.len().saturating_add(cap);
            r.stores.push(store);
        }
        for op in service.operations {
            if let (Some(page), false) = (op.paginated, r.actions.contains_key(op.action)) {
                let items = examples
                    .at(op.action, page.items)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                r.collections.insert(op.action, items);
            }
        }
        r
    }

    /// Answers `op` if a family or collection keeps it: the `Response`
    /// members without `RequestId`.
    pub(crate) fn handle(
        &mut self,
        op: &OperationInfo,
        body: &Value,
        examples: &Examples,
    ) -> Option<Result<Map<String, Value>, ApiError>> {
        let Some((i, verb)) = self.actions.get(op.action) else {
            let page = op.paginated?;
            let items = self.collections.get(op.action)?;
            return Some(list(op.action, &page, body, examples, items.iter()));
        };
        let room = BUDGET_BYTES.saturating_sub(self.stores.iter().map(|s| s.bytes).sum());
        let store = self.stores.get_mut(*i)?;
        Some(match verb {
            Verb::Create(c) => store.create(c, body, examples, room),
            Verb::List => match op.paginated {
                Some(page) => {
                    let items: Vec<&Map<String, Value>> = store
                        .items
                        .iter()
                        .filter(|it| store.in_scope(it, body))
                        .collect();
                    list(op.action, &page, body, examples, items.into_iter())
                }
                // The table test keeps rows' lists paginated.
                None => Ok(examples.answer(op.action)),
            },
            Verb::Describe => store.find(body).map(|at| {
                let mut out = examples.answer(op.action);
                let template = examples.at(op.action, "Data").and_then(Value::as_object);
                // A describe's answer is its example's shape exactly: an
                // example id's describe answers the example.
                out.insert("Data".to_owned(), shaped(template, &store.items[at]));
                out
            }),
            Verb::Modify(m) => store.find(body).and_then(|at| {
                let changes = members(body, store.family);
                // Checked before it is stored: a request paid for its bytes,
                // not for what the mock keeps.
                if json_size(&changes) > MAX_ITEM_BYTES {
                    return Err(too_big());
                }
                let mut item = store.items[at].clone();
                item.extend(changes);
                for (k, v) in m.sets {
                    item.insert((*k).to_owned(), json!(v));
                }
                let size = json_size(&item);
                if size > MAX_ITEM_BYTES {
                    return Err(too_big());
                }
                if size > store.sizes[at].saturating_add(room) {
                    return Err(budget_full());
                }
                store.bytes = store.bytes.saturating_sub(store.sizes[at]) + size;
                store.sizes[at] = size;
                store.items[at] = item;
                Ok(examples.answer(op.action))
            }),
            Verb::Delete => store.find(body).map(|at| {
                store.remove(at);
                examples.answer(op.action)
            }),
        })
    }

    /// Replaces what `action` lists with `items`: its family's store when
    /// it is a family's list (items without an id get one), else its
    /// collection. `Err` says why not.
    pub(crate) fn seed(&mut self, op: &OperationInfo, items: Vec<Value>) -> Result<(), String> {
        if op.paginated.is_none() {
            return Err(format!("{} is not a paginated action", op.action));
        }
        if let Some((i, Verb::List)) = self.actions.get(op.action) {
            let store = &mut self.stores[*i];
            let mut objects = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::Object(m) => objects.push(m),
                    other => return Err(format!("an item is not an object: {other}")),
                }
            }
            store.items.clear();
            store.sizes.clear();
            store.bytes = 0;
            for item in objects {
                store.add(item);
            }
            store.capacity = store.items.len().saturating_add(self.cap);
            return Ok(());
        }
        if self.actions.contains_key(op.action) {
            return Err(format!("{} is not a list of its family", op.action));
        }
        self.collections.insert(op.action, items);
        Ok(())
    }

    /// Items a family may gain, and a seed may hold.
    pub(crate) fn cap(&self) -> usize {
        self.cap
    }

    /// Whether the family named `name` holds an item of id `id`.
    pub(crate) fn holds(&self, name: &str, id: &Value) -> bool {
        self.stores
            .iter()
            .filter(|s| s.family.name == name)
            .any(|s| s.items.iter().any(|it| same(it.get(s.family.id), Some(id))))
    }

    /// How many items the family named `name` holds (`None`: no such family).
    pub(crate) fn count(&self, name: &str) -> Option<usize> {
        self.stores
            .iter()
            .find(|s| s.family.name == name)
            .map(|s| s.items.len())
    }
}

/// Whether `family`'s id is an integer, by the first request member of that
/// name among its actions.
fn int_ids(service: &ServiceInfo, family: &Family) -> bool {
    family
        .actions()
        .filter_map(|(a, _)| service.operation(a))
        .flat_map(|op| op.request.iter())
        .find(|p| p.name == family.id)
        .is_some_and(|p| matches!(p.ty, ParamType::Int64 | ParamType::Uint64))
}

impl Store {
    /// The items its lists' examples hold, and those its describes'
    /// examples answer for the id they ask about.
    fn seed(&mut self, service: &ServiceInfo, examples: &Examples) {
        let family = self.family;
        for list in family.lists {
            let Some(page) = service.operation(list).and_then(|op| op.paginated) else {
                continue;
            };
            let items = examples.at(list, page.items).and_then(Value::as_array);
            for item in items.into_iter().flatten() {
                if let Some(m) = item.as_object() {
                    self.add(m.clone());
                }
            }
        }
        for describe in family.describes {
            let request = examples.request(describe);
            let data = examples.at(describe, "Data").and_then(Value::as_object);
            let (Some(request), Some(data)) = (request, data) else {
                continue;
            };
            let mut item = data.clone();
            for name in std::iter::once(&family.id).chain(family.parents) {
                if let Some(v) = request.get(*name).filter(|v| !is_empty(Some(v))) {
                    item.insert((*name).to_owned(), v.clone());
                }
            }
            self.add(item);
        }
    }

    /// Adds `item`, merged into the one of the same id and parents if there
    /// is one, with a new id if it has none. Returns its id.
    fn add(&mut self, mut item: Map<String, Value>) -> Value {
        let id = self.family.id;
        if is_empty(item.get(id)) {
            let new = self.new_id();
            item.insert(id.to_owned(), new);
        }
        let same = self.items.iter().position(|have| {
            same(have.get(id), item.get(id))
                && self
                    .family
                    .parents
                    .iter()
                    .all(|p| is_empty(item.get(*p)) || same(have.get(*p), item.get(*p)))
        });
        let id_value = item.get(id).cloned().unwrap_or(Value::Null);
        match same {
            Some(at) => {
                self.items[at].extend(item);
                let size = json_size(&self.items[at]);
                self.bytes = self.bytes.saturating_sub(self.sizes[at]) + size;
                self.sizes[at] = size;
            }
            None => {
                let size = json_size(&item);
                self.items.push(item);
                self.sizes.push(size);
                self.bytes += size;
            }
        }
        id_value
    }

    fn remove(&mut self, at: usize) {
        self.items.remove(at);
        self.bytes = self.bytes.saturating_sub(self.sizes.remove(at));
    }

    fn new_id(&mut self) -> Value {
        let id = self.family.id;
        if self.int_ids {
            let max = self
                .items
                .iter()
                .filter_map(|it| it.get(id).and_then(Value::as_i64))
                .max()
                .unwrap_or(0);
            return json!(max.saturating_add(1));
        }
        loop {
            let candidate = format!(
                "mock-{}-{}",
                self.family.name.to_ascii_lowercase(),
                self.next
            );
            self.next += 1;
            let taken = self
                .items
                .iter()
                .any(|it| it.get(id).and_then(Value::as_str) == Some(candidate.as_str()));
            if !taken {
                return json!(candidate);
            }
        }
    }

    /// Whether `item` is in the scope the request's parents name.
    fn in_scope(&self, item: &Map<String, Value>, body: &Value) -> bool {
        self.family.parents.iter().all(|p| {
            let want = body.get(*p);
            is_empty(want) || same(item.get(*p), want)
        })
    }

    /// The item the request's id (and parents) name, or the row's code.
    fn find(&self, body: &Value) -> Result<usize, ApiError> {
        let id = body.get(self.family.id);
        self.items
            .iter()
            .position(|it| {
                !is_empty(id) && same(it.get(self.family.id), id) && self.in_scope(it, body)
            })
            .ok_or_else(|| {
                let shown = id.map(text).unwrap_or_default();
                ApiError::new(
                    self.family.not_found,
                    format!(
                        "The {} `{}` does not exist.",
                        self.family.name,
                        excerpt(&shown)
                    ),
                )
            })
    }

    fn create(
        &mut self,
        create: &Create,
        body: &Value,
        examples: &Examples,
        room: usize,
    ) -> Result<Map<String, Value>, ApiError> {
        let mut base = members(body, self.family);
        let list = create.each.as_ref().and_then(|each| base.remove(each.list));
        // Sizes are checked before anything is copied: one request's items
        // share its other members.
        let base_size = json_size(&base);
        let new: Vec<Map<String, Value>> = match &create.each {
            None => vec![base],
            Some(each) => {
                let elements = match list {
                    Some(Value::Array(a)) => a,
                    _ => Vec::new(),
                };
                if elements.len() > self.capacity {
                    return Err(self.full());
                }
                let mut total = 0usize;
                for e in &elements {
                    let size = base_size.saturating_add(json_size(e));
                    if size > MAX_ITEM_BYTES {
                        return Err(too_big());
                    }
                    total = total.saturating_add(size);
                }
                if total > room {
                    return Err(budget_full());
                }
                elements
                    .into_iter()
                    .map(|element| {
                        let mut item = base.clone();
                        match (element, each.as_member) {
                            (Value::Object(m), _) => {
                                item.extend(renamed(m, self.family));
                            }
                            (scalar, Some(name)) => {
                                item.insert(name.to_owned(), scalar);
                            }
                            (_, None) => {}
                        }
                        item
                    })
                    .collect()
            }
        };
        let id = self.family.id;
        let added = new
            .iter()
            .filter(|item| {
                is_empty(item.get(id))
                    || !self
                        .items
                        .iter()
                        .any(|have| same(have.get(id), item.get(id)))
            })
            .count();
        if self.items.len().saturating_add(added) > self.capacity {
            return Err(self.full());
        }
        if create.each.is_none() {
            if base_size > MAX_ITEM_BYTES {
                return Err(too_big());
            }
            if base_size > room {
                return Err(budget_full());
            }
        }
        let mut first = None;
        for item in new {
            let id = self.add(item);
            first.get_or_insert(id);
        }
        let mut out = examples.answer(create.action);
        if let (Some(path), Some(id)) = (create.id_at, first) {
            set_path(&mut out, path, id);
        }
        Ok(out)
    }

    fn full(&self) -> ApiError {
        // The service's common code for a quota, as for versions.
        ApiError::new(
            "LimitExceeded",
            format!(
                "The {} family already holds the maximum of {} items.",
                self.family.name, self.capacity
            ),
        )
    }
}

fn too_big() -> ApiError {
    ApiError::new(
        "InvalidParameterValue",
        format!(
            "The test server keeps at most {} KiB of members per resource.",
            MAX_ITEM_BYTES >> 10
        ),
    )
}

fn budget_full() -> ApiError {
    ApiError::new(
        "LimitExceeded",
        format!(
            "The test server's resources already hold {} MiB, its most per service.",
            BUDGET_BYTES >> 20
        ),
    )
}

/// How long `v` is as JSON text, counted without writing it.
fn json_size(v: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 = self.0.saturating_add(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Count(0);
    match serde_json::to_writer(&mut c, v) {
        Ok(()) => c.0,
        Err(_) => usize::MAX,
    }
}

/// A page of `items` for the paginated `action`, in its example's shape.
fn list<'a, T: Shaped + 'a>(
    action: &str,
    page: &PageInfo,
    body: &Value,
    examples: &Examples,
    items: impl ExactSizeIterator<Item = &'a T>,
) -> Result<Map<String, Value>, ApiError> {
    let (offset, limit) = window(page, body)?;
    let total = items.len();
    let template = examples
        .at(action, page.items)
        .and_then(|v| v.get(0))
        .and_then(Value::as_object);
    // Only the page is copied.
    let shown: Vec<Value> = items
        .skip(offset)
        .take(limit)
        .map(|item| item.shaped(template))
        .collect();
    let mut out = examples.answer(action);
    set_path(&mut out, page.items, Value::Array(shown));
    if let Some(path) = page.total {
        set_path(&mut out, path, json!(total));
    }
    Ok(out)
}

/// An item a list shows: a family's, or a collection's.
trait Shaped {
    fn shaped(&self, template: Option<&Map<String, Value>>) -> Value;
}

impl Shaped for Map<String, Value> {
    fn shaped(&self, template: Option<&Map<String, Value>>) -> Value {
        shaped(template, self)
    }
}

impl Shaped for Value {
    fn shaped(&self, template: Option<&Map<String, Value>>) -> Value {
        match self {
            Value::Object(m) => shaped(template, m),
            other => other.clone(),
        }
    }
}

/// The request's offset and page size.
fn window(page: &PageInfo, body: &Value) -> Result<(usize, usize), ApiError> {
    let number = |name: &str| -> Result<Option<u64>, ApiError> {
        match body.get(name).filter(|v| !v.is_null()) {
            None => Ok(None),
            Some(v) => match (v.as_u64(), v.as_i64()) {
                (Some(n), _) => Ok(Some(n)),
                (None, Some(_)) => Err(ApiError::new(
                    "InvalidParameterValue",
                    format!("The parameter `{name}` must not be negative."),
                )),
                _ => Ok(None),
            },
        }
    };
    let offset = number(page.offset)?.unwrap_or(0);
    let limit = number(page.limit)?
        .filter(|&l| l > 0)
        .unwrap_or(page.default_page_size.max(1));
    let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    Ok((size(offset), size(limit)))
}

/// `item` in the shape of `template` exactly (an SDK may warn of a member
/// its model lacks): its members where the item has them, zero values where
/// not. A list whose example items carry no id (TCMPP's applications) does
/// not show it: its create answers it.
fn shaped(template: Option<&Map<String, Value>>, item: &Map<String, Value>) -> Value {
    let Some(template) = template else {
        return Value::Object(item.clone());
    };
    let out: Map<String, Value> = template
        .iter()
        .map(|(k, t)| (k.clone(), item.get(k).cloned().unwrap_or_else(|| zero(t))))
        .collect();
    Value::Object(out)
}

/// A value of `v`'s kind that says nothing: `""`, `0`, `false`, `[]`.
fn zero(v: &Value) -> Value {
    match v {
        Value::String(_) => json!(""),
        Value::Number(_) => json!(0),
        Value::Bool(_) => json!(false),
        Value::Array(_) => json!([]),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), zero(v))).collect()),
        Value::Null => Value::Null,
    }
}

/// The request's members as the family stores them (aliases renamed).
fn members(body: &Value, family: &Family) -> Map<String, Value> {
    renamed(body.as_object().cloned().unwrap_or_default(), family)
}

fn renamed(mut m: Map<String, Value>, family: &Family) -> Map<String, Value> {
    for (from, to) in family.aliases {
        if let Some(v) = m.remove(*from) {
            m.insert((*to).to_owned(), v);
        }
    }
    m
}

fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    }
}

/// A scalar as text: ids compare as text (`"5561"` names `5561`).
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) if !a.is_object() && !a.is_array() => text(a) == text(b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shaped_fills_the_templates_members() {
        let template = json!({"A": "x", "N": 3, "L": [1], "O": {"B": true}});
        let item = json!({"A": "mine", "Id": 7, "Other": 1});
        let out = shaped(template.as_object(), item.as_object().unwrap());
        assert_eq!(
            out,
            json!({"A": "mine", "N": 0, "L": [], "O": {"B": false}})
        );
    }

    /// A service's families hold at most the budget: big creates stop with
    /// `LimitExceeded`, an oversized one is refused, a delete makes room.
    #[cfg(feature = "tcmpp")]
    #[test]
    fn stored_bytes_are_bounded() {
        let service = tcmpp_api::SERVICE;
        let examples = Examples::parse(&service);
        let mut r = Resources::new(&service, &examples, 100_000, true);
        let op = |a| service.operation(a).unwrap();
        let user = |name: String| {
            json!({"UserAccount": "a", "UserName": name, "AccountType": 3,
                   "Password": "p", "KeyId": "k", "PlatformId": "P"})
        };
        let big = "x".repeat(MAX_ITEM_BYTES);
        let refused = r.handle(op("CreateUser"), &user(big), &examples).unwrap();
        assert_eq!(refused.unwrap_err().code, "InvalidParameterValue");
        let name = "y".repeat(MAX_ITEM_BYTES - 200);
        let mut ids = Vec::new();
        let err = loop {
            match r
                .handle(op("CreateUser"), &user(name.clone()), &examples)
                .unwrap()
            {
                Ok(out) => ids.push(out["Data"]["ResourceId"].clone()),
                Err(e) => break e,
            }
            assert!(
                ids.len() <= BUDGET_BYTES / (MAX_ITEM_BYTES - 200),
                "past the budget"
            );
        };
        assert_eq!(err.code, "LimitExceeded");
        assert!(
            ids.len() > BUDGET_BYTES / MAX_ITEM_BYTES - 2,
            "{}",
            ids.len()
        );
        let delete = json!({"UserId": ids[0], "PlatformId": "P"});
        r.handle(op("DeleteUser"), &delete, &examples)
            .unwrap()
            .unwrap();
        r.handle(op("CreateUser"), &user(name), &examples)
            .unwrap()
            .unwrap();
    }

    #[test]
    fn a_window_refuses_negatives_and_defaults_a_zero_limit() {
        let page = PageInfo {
            offset: "Offset",
            limit: "Limit",
            items: "Data.DataList",
            total: Some("Data.TotalCount"),
            default_page_size: 20,
        };
        let w = |b: Value| window(&page, &b).map_err(|e| e.code);
        assert_eq!(w(json!({"Offset": 5, "Limit": 0})), Ok((5, 20)));
        assert_eq!(w(json!({})), Ok((0, 20)));
        assert_eq!(
            w(json!({"Offset": u64::MAX, "Limit": 3})).map(|w| w.1),
            Ok(3)
        );
        assert_eq!(
            w(json!({"Offset": -1})),
            Err("InvalidParameterValue".into())
        );
    }
}
