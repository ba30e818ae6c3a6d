//! Problems found in a spec, each tied to the JSON path where it was found.

use std::fmt;

/// One problem in a spec: where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// JSON path of the offending value, e.g. `actions.CreateMNPVersion.request.members[2].type`.
    /// Empty for the document as a whole.
    pub path: String,
    /// What is wrong there.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "(document): {}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Every problem found in a spec; loading reports them all at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    /// The problems, in document order.
    pub problems: Vec<Problem>,
}

impl SpecError {
    /// True when some problem sits exactly at `path`.
    pub fn has_path(&self, path: &str) -> bool {
        self.problems.iter().any(|p| p.path == path)
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "the spec has {n} problem{}:",
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}

/// Collects problems while a spec is read and checked.
#[derive(Default)]
pub(crate) struct Diag {
    problems: Vec<Problem>,
}

impl Diag {
    pub(crate) fn report(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.to_owned(),
            message: message.into(),
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }

    pub(crate) fn into_error(self) -> SpecError {
        SpecError {
            problems: self.problems,
        }
    }
}

/// `parent.key`, or `key` at the root.
pub(crate) fn child(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[index]`.
pub(crate) fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}
