//! Stage 3: checked IR to token streams, one per generated file.
//!
//! Generated code names runtime items by absolute `::tcmpp_api::` paths and
//! other generated types by `super::models::` paths, so the same output
//! compiles inside `tcmpp-api` and in any crate that depends on it.

mod action;
mod docs;
mod models;
mod structs;
mod value_set;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Api, Type};

pub(crate) use docs::markdown;

/// A generated file before pretty-printing.
pub(crate) struct FileTokens {
    pub name: String,
    pub tokens: TokenStream,
}

/// What the emitters need besides the IR.
pub(crate) struct EmitOptions<'a> {
    /// Crate path for runnable doc examples; `None` emits none.
    pub doctest_crate: Option<&'a str>,
    /// Emit `impl Client` methods (only inside the crate that owns `Client`).
    pub client_methods: bool,
}

pub(crate) fn emit(api: &Api, opts: &EmitOptions<'_>) -> Vec<FileTokens> {
    let mut files = vec![FileTokens {
        name: "mod.rs".to_owned(),
        tokens: root(api, opts),
    }];
    files.push(FileTokens {
        name: "models.rs".to_owned(),
        tokens: models::emit(api, opts),
    });
    for a in &api.actions {
        files.push(FileTokens {
            name: format!("{}.rs", a.module),
            tokens: action::emit(api, a, opts),
        });
    }
    files
}

fn root(api: &Api, opts: &EmitOptions<'_>) -> TokenStream {
    let s = &api.service;
    let module_doc = docs::inner(&format!(
        "{}, API version {}.\n\n{}",
        s.title, s.version, s.document
    ));
    let mods = api.actions.iter().map(|a| {
        let m = ident(&a.module);
        quote! { pub mod #m; }
    });
    let (name, version, endpoint, signing) = (&s.name, &s.version, &s.endpoint, &s.signing_service);
    let actions = api.actions.iter().map(|a| a.wire_name.as_str());
    let operations = operation_table(api);
    let client_methods = if opts.client_methods {
        action::client_methods(api, opts)
    } else {
        TokenStream::new()
    };
    quote! {
        #module_doc
        pub mod models;
        #(#mods)*

        /// The service these modules were generated for.
        pub const SERVICE: ::tcmpp_api::operation::ServiceInfo = ::tcmpp_api::operation::ServiceInfo {
            name: #name,
            version: #version,
            endpoint: #endpoint,
            signing_service: #signing,
        };

        /// Wire names of every action in the spec.
        pub const ACTIONS: &[&str] = &[#(#actions),*];

        #operations

        #client_methods
    }
}

/// An identifier the checker has already validated.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a value of `ty`, as seen from a generated module.
pub(crate) fn rust_type(api: &Api, ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(String),
        Type::Int64 => quote!(i64),
        Type::Uint64 => quote!(u64),
        Type::Float => quote!(f64),
        Type::Bool => quote!(bool),
        Type::ValueSet(i) => {
            let n = ident(&api.value_sets[*i].type_name);
            quote!(super::models::#n)
        }
        Type::Model(i) => {
            let n = ident(&api.models[*i].type_name);
            quote!(super::models::#n)
        }
        Type::List(inner) => {
            let inner = rust_type(api, inner);
            quote!(Vec<#inner>)
        }
    }
}

/// The marker type for an unset required member `ident`.
pub(crate) fn unset_marker(field_ident: &str) -> Ident {
    format_ident!("{}", crate::names::camel(field_ident))
}

/// `unset` module holding one marker per required member name.
pub(crate) fn unset_module(idents: &[&str]) -> TokenStream {
    let mut names: Vec<&str> = idents.to_vec();
    names.sort_unstable();
    names.dedup();
    if names.is_empty() {
        return TokenStream::new();
    }
    let markers = names.iter().map(|f| {
        let m = unset_marker(f);
        let doc = docs::outer(&format!(
            "A builder's required member `{f}` is not set yet."
        ));
        quote! {
            #doc
            #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
            pub struct #m;
        }
    });
    quote! {
        /// Typestate markers: a builder whose type still holds one of these
        /// lacks that required member, so it has no `build` method yet.
        pub mod unset {
            #(#markers)*
        }
    }
}

/// `OPERATIONS`: each action's request members and examples as data, and a
/// `static` schema per object (statics, so that recursive objects can point
/// at themselves).
fn operation_table(api: &Api) -> TokenStream {
    let params = |fields: &[crate::ir::Field]| {
        let items = fields.iter().map(|f| {
            let (name, required, ty) = (&f.wire_name, f.required, param_type(api, &f.ty));
            quote!(::tcmpp_api::operation::Param { name: #name, required: #required, ty: #ty })
        });
        quote!(&[#(#items),*])
    };
    let schemas = api.models.iter().enumerate().map(|(i, m)| {
        let name = schema_name(api, i);
        let wire = &m.wire_name;
        let members = params(&m.fields);
        let doc = format!(" Request schema of `{wire}`.");
        quote! {
            #[doc = #doc]
            pub static #name: ::tcmpp_api::operation::ObjectSchema = ::tcmpp_api::operation::ObjectSchema {
                name: #wire,
                members: #members,
            };
        }
    });
    let ops = api.actions.iter().map(|a| {
        let (action, retry_safe) = (&a.wire_name, a.retry_safe);
        let rate = proc_macro2::Literal::u32_unsuffixed(a.rate_limit_per_second);
        let request = params(&a.request.fields);
        let compact = |v: &serde_json::Value| serde_json::to_string(v).unwrap_or_default();
        let example = |f: fn(&crate::ir::Example) -> &serde_json::Value| match a.examples.first() {
            Some(e) => {
                let s = compact(f(e));
                quote!(Some(#s))
            }
            None => quote!(None),
        };
        let (req, resp) = (example(|e| &e.request), example(|e| &e.response));
        quote! {
            ::tcmpp_api::operation::OperationInfo {
                action: #action,
                service: SERVICE,
                retry_safe: #retry_safe,
                rate_limit_per_second: #rate,
                request: #request,
                example_request: #req,
                example_response: #resp,
            }
        }
    });
    quote! {
        /// Every action's request members and examples, as data (the mock
        /// server answers from this).
        pub static OPERATIONS: &[::tcmpp_api::operation::OperationInfo] = &[#(#ops),*];

        #(#schemas)*
    }
}

/// The `static` holding an object's request schema.
fn schema_name(api: &Api, i: usize) -> Ident {
    format_ident!(
        "SCHEMA_{}",
        crate::names::snake(&api.models[i].wire_name).to_uppercase()
    )
}

/// A member's `ParamType` (value sets by their wire type).
fn param_type(api: &Api, ty: &Type) -> TokenStream {
    let p = quote!(::tcmpp_api::operation::ParamType);
    match ty {
        Type::String => quote!(#p::String),
        Type::Int64 => quote!(#p::Int64),
        Type::Uint64 => quote!(#p::Uint64),
        Type::Float => quote!(#p::Float),
        Type::Bool => quote!(#p::Bool),
        Type::ValueSet(i) => match api.value_sets[*i].kind {
            crate::ir::SetKind::String => quote!(#p::String),
            crate::ir::SetKind::Int64 => quote!(#p::Int64),
        },
        Type::Model(i) => {
            let s = schema_name(api, *i);
            quote!(#p::Object(&#s))
        }
        Type::List(inner) => {
            let inner = param_type(api, inner);
            quote!(#p::List(&#inner))
        }
    }
}
