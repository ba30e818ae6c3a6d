//! The resource families the test server keeps state for, declared per
//! service: one row per family names its id member, its parent members and
//! which actions create, list, describe, modify and delete it (any may be
//! absent). Everything else comes from the operations table and the
//! examples: what a create stores is its request's members, a list's items
//! are shaped like its example's item, an answer is its example's with the
//! stored members put in. The engine that reads these rows is
//! `resources.rs`; `tests/families.rs` checks every row against the
//! operations table, so a spec refresh that breaks one fails naming it.
//!
//! To add a family: add a row to the service's file (`tcmpp.rs`,
//! `tcsas.rs`) naming actions of that service's spec. The row's
//! `not_found` is the code an unknown id gets: from the service's error
//! codes, the one whose document says the resource does not exist
//! (`InvalidParameterValue.InvalidTeamId`, "Invalid team ID"), else
//! `FailedOperation.RecordNotFound` ("The record does not exist").

mod tcmpp;
mod tcsas;

/// One resource family of a service: its id and the actions that act on it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Family {
    /// A name for messages and tests (`Team`, `TeamMember`).
    pub name: &'static str,
    /// The member that names one (`TeamId`): in the requests of its
    /// describes, modifies and deletes, in its list items.
    pub id: &'static str,
    /// Members that scope it (`TeamId` for a team member): stored from the
    /// create, matched by lists that name them (an empty value lists all)
    /// and by describes, modifies and deletes that send them.
    pub parents: &'static [&'static str],
    /// Its creates.
    pub creates: &'static [Create],
    /// Its paginated lists.
    pub lists: &'static [&'static str],
    /// Actions answering one by id, shaped like their example's `Data`.
    pub describes: &'static [&'static str],
    /// Actions changing one by id: the request's members are stored.
    pub modifies: &'static [Modify],
    /// Actions removing one by id.
    pub deletes: &'static [&'static str],
    /// The code an unknown id gets (from the service's error codes).
    pub not_found: &'static str,
    /// Request members stored under another name (`RoleId` as the list's
    /// `TeamRoleId`).
    pub aliases: &'static [(&'static str, &'static str)],
}

/// A create action of a family.
#[derive(Debug)]
#[non_exhaustive]
pub struct Create {
    /// The action.
    pub action: &'static str,
    /// Where its answer puts the new id (`Data.ResourceId`); `None` when
    /// it answers none (the id is then the request's, or found by listing).
    pub id_at: Option<&'static str>,
    /// When one request creates several: the list member whose items each
    /// make one (objects' members stored, other values as [`Each::as_member`]).
    pub each: Option<Each>,
}

/// How one create request makes several items.
#[derive(Debug)]
#[non_exhaustive]
pub struct Each {
    /// The request's list member (`MemberList`).
    pub list: &'static str,
    /// The member a scalar item is stored as (`DomainUrl`).
    pub as_member: Option<&'static str>,
}

/// A modify action of a family.
#[derive(Debug)]
#[non_exhaustive]
pub struct Modify {
    /// The action.
    pub action: &'static str,
    /// Members it sets whatever the request says (`Status` 0 for an
    /// action documented as making an API public).
    pub sets: &'static [(&'static str, i64)],
}

impl Create {
    const fn returning(action: &'static str, id_at: &'static str) -> Self {
        Create {
            action,
            id_at: Some(id_at),
            each: None,
        }
    }

    const fn silent(action: &'static str) -> Self {
        Create {
            action,
            id_at: None,
            each: None,
        }
    }

    const fn each(
        action: &'static str,
        list: &'static str,
        as_member: Option<&'static str>,
    ) -> Self {
        Create {
            action,
            id_at: None,
            each: Some(Each { list, as_member }),
        }
    }
}

impl Modify {
    const fn plain(action: &'static str) -> Self {
        Modify { action, sets: &[] }
    }
}

/// A row with every verb absent, for `..EMPTY` in the tables.
const EMPTY: Family = Family {
    name: "",
    id: "",
    parents: &[],
    creates: &[],
    lists: &[],
    describes: &[],
    modifies: &[],
    deletes: &[],
    not_found: "FailedOperation.RecordNotFound",
    aliases: &[],
};

/// The families the test server keeps for the service named `service`
/// (`tcmpp`, `tcsas`); empty for any other.
pub fn families(service: &str) -> &'static [Family] {
    match service {
        "tcmpp" => tcmpp::FAMILIES,
        "tcsas" => tcsas::FAMILIES,
        _ => &[],
    }
}

impl Family {
    /// Every action the row names, with its verb (`create`, `list`, ...).
    pub fn actions(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        let creates = self.creates.iter().map(|c| (c.action, "create"));
        let lists = self.lists.iter().map(|a| (*a, "list"));
        let describes = self.describes.iter().map(|a| (*a, "describe"));
        let modifies = self.modifies.iter().map(|m| (m.action, "modify"));
        let deletes = self.deletes.iter().map(|a| (*a, "delete"));
        creates
            .chain(lists)
            .chain(describes)
            .chain(modifies)
            .chain(deletes)
    }
}
