//! Stage 3: checked IR to token streams, one per generated file.
//!
//! Generated code names runtime items by absolute `::tcmpp_api::` paths and
//! other generated types by `super::models::` paths, so the same output
//! compiles inside `tcmpp-api` and in any crate that depends on it.

mod action;
mod docs;
mod models;
mod scope;
mod structs;
mod value_set;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Api, Type};

pub(crate) use docs::markdown;
pub(crate) use scope::{Scope, Std};

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

/// One generated file, before it is emitted.
#[derive(Clone, Copy)]
pub(crate) enum Job {
    Root,
    Models,
    Errors,
    Action(usize),
}

/// Every file the API generates.
pub(crate) fn jobs(api: &Api) -> Vec<Job> {
    let mut jobs = vec![Job::Root, Job::Models];
    if api.actions.iter().any(|a| a.shared_errors) {
        jobs.push(Job::Errors);
    }
    jobs.extend((0..api.actions.len()).map(Job::Action));
    jobs
}

/// Emits one file. Token streams are not `Send`, so callers that spread
/// files over threads emit each on the thread that prints it.
pub(crate) fn emit_one(api: &Api, opts: &EmitOptions<'_>, job: Job) -> FileTokens {
    match job {
        Job::Root => FileTokens {
            name: "mod.rs".to_owned(),
            tokens: root(api, opts),
        },
        Job::Models => FileTokens {
            name: "models.rs".to_owned(),
            tokens: models::emit(api, opts),
        },
        Job::Errors => FileTokens {
            name: "errors.rs".to_owned(),
            tokens: action::shared_errors(api),
        },
        Job::Action(i) => {
            let a = &api.actions[i];
            FileTokens {
                name: format!("{}.rs", a.module),
                tokens: action::emit(api, a, opts),
            }
        }
    }
}

fn root(api: &Api, opts: &EmitOptions<'_>) -> TokenStream {
    let scope = Scope::new(
        api,
        ["models".to_owned(), "errors".to_owned()]
            .into_iter()
            .chain(api.actions.iter().map(|a| a.module.clone())),
    );
    let s = &api.service;
    let module_doc = docs::inner(&format!(
        "{}, API version {}.\n\n{}",
        s.title, s.version, s.document
    ));
    let mods = api.actions.iter().map(|a| {
        let m = ident(&a.module);
        quote! { pub mod #m; }
    });
    let errors_mod = if api.actions.iter().any(|a| a.shared_errors) {
        quote! { pub mod errors; }
    } else {
        TokenStream::new()
    };
    let (name, version, endpoint, signing) = (&s.name, &s.version, &s.endpoint, &s.signing_service);
    let actions = api.actions.iter().map(|a| a.wire_name.as_str());
    let operations = operation_table(&scope);
    let client_methods = if opts.client_methods {
        action::client_methods(api, opts)
    } else {
        TokenStream::new()
    };
    let str_ = scope.std(Std::Str);
    let unset = scope.unset_module();
    quote! {
        #module_doc
        pub mod models;
        #errors_mod
        #(#mods)*

        /// The service these modules were generated for.
        pub const SERVICE: ::tcmpp_api::operation::ServiceInfo = ::tcmpp_api::operation::ServiceInfo {
            name: #name,
            version: #version,
            endpoint: #endpoint,
            signing_service: #signing,
        };

        /// Wire names of every action in the spec.
        pub const ACTIONS: &[&#str_] = &[#(#actions),*];

        #operations

        #unset

        #client_methods
    }
}

/// An identifier the checker has already validated.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `OPERATIONS`: each action's request members and examples as data, and a
/// `static` schema per object (statics, so that recursive objects can point
/// at themselves).
fn operation_table(scope: &Scope<'_>) -> TokenStream {
    let api = scope.api;
    let (some, none) = (scope.std(Std::Some), scope.std(Std::None));
    let params = |fields: &[crate::ir::Field]| {
        let items = fields.iter().map(|f| {
            let (name, required, ty) = (&f.wire_name, f.required, param_type(api, &f.ty));
            quote!(::tcmpp_api::operation::Param { name: #name, required: #required, ty: #ty })
        });
        quote!(&[#(#items),*])
    };
    let schemas = api.models.iter().filter(|m| m.input || !m.output).map(|m| {
        let name = ident(&m.schema_name);
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
        let example = |f: fn(&crate::ir::Example) -> Option<&serde_json::Value>| match a
            .examples
            .first()
            .and_then(f)
        {
            Some(v) => {
                let s = compact(v);
                quote!(#some(#s))
            }
            None => quote!(#none),
        };
        let (req, resp) = (
            example(|e| e.request.as_ref()),
            example(|e| Some(&e.response)),
        );
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

/// A member's `ParamType` (value sets by their wire type).
fn param_type(api: &Api, ty: &Type) -> TokenStream {
    let p = quote!(::tcmpp_api::operation::ParamType);
    match ty {
        Type::String => quote!(#p::String),
        Type::Int64 => quote!(#p::Int64),
        Type::Uint64 => quote!(#p::Uint64),
        Type::Float => quote!(#p::Float),
        Type::Bool => quote!(#p::Bool),
        Type::DateTime | Type::DateTimeIso | Type::Date => quote!(#p::String),
        Type::ValueSet(i) => match api.value_sets[*i].kind {
            crate::ir::SetKind::String => quote!(#p::String),
            crate::ir::SetKind::Int64 => quote!(#p::Int64),
        },
        Type::Model(i) => {
            let s = ident(&api.models[*i].schema_name);
            quote!(#p::Object(&#s))
        }
        Type::List(inner) => {
            let inner = param_type(api, inner);
            quote!(#p::List(&#inner))
        }
    }
}
