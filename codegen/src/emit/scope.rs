//! What names mean inside one generated module.
//!
//! A spec may name an object `Option` or an action `Ok`: the generated
//! module then defines an item that shadows the prelude. Prelude items are
//! spelled short (`Option`) for readability, and by absolute path
//! (`::core::option::Option`) in a module that defines an item of the same
//! name. Likewise an item named like a typestate parameter (`S3`) is spelled
//! `self::S3` inside the generic impls.

use std::collections::{BTreeSet, HashMap, HashSet};

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{docs, ident};
use crate::ir::{Api, Type};
use crate::names::{camel, type_ident};

/// A standard item the generated code names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Std {
    Option,
    Some,
    None,
    Result,
    Ok,
    Err,
    String,
    Vec,
    Into,
    IntoIterator,
    From,
    Default,
    Str,
    Box,
}

impl Std {
    /// Every item, for tests.
    #[cfg(test)]
    pub(crate) const ALL: [Std; 14] = [
        Std::Option,
        Std::Some,
        Std::None,
        Std::Result,
        Std::Ok,
        Std::Err,
        Std::String,
        Std::Vec,
        Std::Into,
        Std::IntoIterator,
        Std::From,
        Std::Default,
        Std::Str,
        Std::Box,
    ];

    /// Its absolute path; the last segment is its short name.
    pub(crate) fn path(self) -> &'static [&'static str] {
        match self {
            Std::Option => &["core", "option", "Option"],
            Std::Some => &["core", "option", "Option", "Some"],
            Std::None => &["core", "option", "Option", "None"],
            Std::Result => &["core", "result", "Result"],
            Std::Ok => &["core", "result", "Result", "Ok"],
            Std::Err => &["core", "result", "Result", "Err"],
            Std::String => &["std", "string", "String"],
            Std::Vec => &["std", "vec", "Vec"],
            Std::Into => &["core", "convert", "Into"],
            Std::IntoIterator => &["core", "iter", "IntoIterator"],
            Std::From => &["core", "convert", "From"],
            Std::Default => &["core", "default", "Default"],
            Std::Str => &["core", "primitive", "str"],
            Std::Box => &["std", "boxed", "Box"],
        }
    }

    fn short(self) -> &'static str {
        self.path().last().copied().unwrap_or_default()
    }
}

/// The marker of each required field name: its UpperCamelCase, with
/// underscores added until it is unique (for `mnp_id` beside `mnp_id_`).
fn marker_names<'n>(fields: impl IntoIterator<Item = &'n str>) -> HashMap<String, String> {
    let idents: BTreeSet<&str> = fields.into_iter().collect();
    let mut markers = HashMap::new();
    let mut taken = HashSet::new();
    for f in idents {
        let mut m = type_ident(camel(f));
        while !taken.insert(m.clone()) {
            m.push('_');
        }
        markers.insert(f.to_owned(), m);
    }
    markers
}

/// One generated module's names.
pub(crate) struct Scope<'a> {
    pub api: &'a Api,
    /// Items the module defines (types, unit structs, modules).
    defined: HashSet<String>,
    /// The `unset` marker of each required member's field name.
    markers: HashMap<String, String>,
    /// How many `super`s lead from this module to the generated root: 1
    /// for the root's files, 2 for an action's.
    depth: usize,
}

impl<'a> Scope<'a> {
    /// `defined`: the names of the module's items. Markers are decided for
    /// the whole API at once, so every module names them alike.
    pub(crate) fn new(api: &'a Api, defined: impl IntoIterator<Item = String>) -> Self {
        // One marker per required field name across the API; fields whose
        // names differ only by underscores (`mnp_id`, `mnp_id_`) get
        // distinct ones.
        let required = api
            .actions
            .iter()
            .flat_map(|a| &a.request.fields)
            .chain(api.models.iter().flat_map(|m| &m.fields))
            .filter(|f| f.required)
            .map(|f| f.ident.as_str());
        Scope {
            api,
            defined: defined.into_iter().collect(),
            markers: marker_names(required),
            depth: 1,
        }
    }

    /// The scope of a module one level further down (an action's).
    pub(crate) fn nested(mut self) -> Self {
        self.depth = 2;
        self
    }

    /// `path` from the generated root (`models::Widget`), as this module
    /// reaches it (`super::models::Widget`).
    pub(crate) fn root(&self, path: &str) -> TokenStream {
        let supers = (0..self.depth).map(|_| quote!(super));
        let segments = path.split("::").map(ident);
        quote!(#(#supers::)* #(#segments)::*)
    }

    /// [`root`](Self::root) as a doc link spells it.
    pub(crate) fn root_doc(&self, path: &str) -> String {
        format!("{}{path}", "super::".repeat(self.depth))
    }

    /// `item` as this module must spell it.
    pub(crate) fn std(&self, item: Std) -> TokenStream {
        let path = item.path();
        if self.defined.contains(item.short()) {
            let segments = path.iter().map(|s| ident(s));
            quote!(#(::#segments)*)
        } else {
            let short = ident(item.short());
            quote!(#short)
        }
    }

    /// `item` as a path inside a string attribute (`skip_serializing_if`).
    pub(crate) fn std_str(&self, item: Std) -> String {
        if self.defined.contains(item.short()) {
            item.path().iter().map(|s| format!("::{s}")).collect()
        } else {
            item.short().to_owned()
        }
    }

    /// An item of this module named inside an impl generic over `S0, S1, …`.
    pub(crate) fn own(&self, name: &str) -> TokenStream {
        let id = ident(name);
        let like_param = name
            .strip_prefix('S')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if like_param {
            quote!(self::#id)
        } else {
            quote!(#id)
        }
    }

    /// The Rust type of a value of `ty`.
    pub(crate) fn ty(&self, ty: &Type) -> TokenStream {
        match ty {
            Type::String => self.std(Std::String),
            Type::Int64 => quote!(i64),
            Type::Uint64 => quote!(u64),
            Type::Float => quote!(f64),
            Type::Bool => quote!(bool),
            Type::DateTime => quote!(::tencentcloud_runtime::time::DateTime),
            Type::DateTimeIso => quote!(::tencentcloud_runtime::time::DateTimeIso),
            Type::Date => quote!(::tencentcloud_runtime::time::Date),
            Type::UnixSeconds => quote!(::tencentcloud_runtime::time::UnixSeconds),
            Type::ValueSet(i) => {
                self.root(&format!("models::{}", self.api.value_sets[*i].type_name))
            }
            Type::Model(i) => self.root(&format!("models::{}", self.api.models[*i].type_name)),
            Type::List(inner) => {
                let (vec, inner) = (self.std(Std::Vec), self.ty(inner));
                quote!(#vec<#inner>)
            }
        }
    }

    /// The Rust type a member is stored as: its value type, boxed when the
    /// member closes a cycle of objects.
    pub(crate) fn field_ty(&self, f: &crate::ir::Field) -> TokenStream {
        let ty = self.ty(&f.ty);
        if f.boxed {
            let boxed = self.std(Std::Box);
            quote!(#boxed<#ty>)
        } else {
            ty
        }
    }

    /// The marker type of required member `field` while it is unset.
    pub(crate) fn marker(&self, field: &str) -> Ident {
        match self.markers.get(field) {
            Some(m) => ident(m),
            None => format_ident!("{}", type_ident(camel(field))),
        }
    }

    /// `unset.rs`: one marker per required member name, shared by every
    /// builder.
    pub(crate) fn unset_module(&self) -> TokenStream {
        let mut fields: Vec<&String> = self.markers.keys().collect();
        fields.sort_unstable();
        let markers = fields.iter().map(|f| {
            let m = self.marker(f);
            let doc = docs::outer(&format!(
                "A builder's required member `{f}` is not set yet."
            ));
            quote! {
                #doc
                #[derive(Clone, Copy, Debug)]
                pub struct #m;
            }
        });
        quote! {
            //! Typestate markers: a builder whose type still holds one of these
            //! lacks that required member, so it has no `build` method yet.
            #(#markers)*
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> Api {
        crate::load(include_str!("../../../tests/fixtures/full.json")).unwrap()
    }

    #[test]
    fn prelude_items_are_short_unless_shadowed() {
        let api = api();
        let plain = Scope::new(&api, ["Widget".to_owned()]);
        let shadowed = Scope::new(&api, ["Option".to_owned(), "str".to_owned()]);
        assert_eq!(plain.std(Std::Option).to_string(), "Option");
        assert_eq!(
            shadowed.std(Std::Option).to_string(),
            ":: core :: option :: Option"
        );
        assert_eq!(
            shadowed.std(Std::Str).to_string(),
            ":: core :: primitive :: str"
        );
        assert_eq!(shadowed.std(Std::Vec).to_string(), "Vec");
        assert_eq!(shadowed.std_str(Std::Option), "::core::option::Option");
        for item in Std::ALL {
            let everything = Scope::new(&api, [item.short().to_owned()]);
            let path = everything.std(item).to_string();
            assert!(
                path.starts_with(":: core ::") || path.starts_with(":: std ::"),
                "{path}"
            );
        }
    }

    #[test]
    fn markers_are_distinct_per_field_name() {
        let m = marker_names(["mnp_id_", "mnp_id", "self_", "name", "name"]);
        assert_eq!(m["mnp_id"], "MnpId");
        assert_eq!(m["mnp_id_"], "MnpId_");
        assert_eq!(m["self_"], "Self_");
        assert_eq!(m["name"], "Name");
        assert_eq!(m.len(), 4);
    }

    #[test]
    fn own_items_like_typestate_parameters_are_qualified() {
        let api = api();
        let s = Scope::new(&api, []);
        assert_eq!(s.own("S3").to_string(), "self :: S3");
        assert_eq!(s.own("Spec").to_string(), "Spec");
        assert_eq!(s.own("S").to_string(), "S");
    }
}
