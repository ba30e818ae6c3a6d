//! Stage 3: checked IR to token streams, one per generated file.
//!
//! Generated code names runtime items by absolute `::tencentcloud_runtime::`
//! paths and other generated items by relative paths from the generated
//! root (`super::models::`, `super::super::models::` from an action), so
//! the same output compiles as a service crate's root module or as any
//! module of a crate that depends on the runtime.
//!
//! The files, one job each: `mod.rs` (the module list and re-exports),
//! `client.rs` (the service's `Client`, one method per action),
//! `service.rs` (the service's facts and its operations table), `unset.rs`
//! (typestate markers), `models.rs`, `errors.rs` (the service-wide error),
//! `actions/mod.rs` and one `actions/<action>.rs` per action.

mod action;
mod docs;
mod models;
mod scope;
mod structs;
mod value_set;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

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
}

/// One generated file, before it is emitted.
#[derive(Clone, Copy)]
pub(crate) enum Job {
    Root,
    Client,
    Service,
    Unset,
    Actions,
    Models,
    Errors,
    Action(usize),
}

/// Every file the API generates.
pub(crate) fn jobs(api: &Api) -> Vec<Job> {
    let mut jobs = vec![
        Job::Root,
        Job::Client,
        Job::Service,
        Job::Unset,
        Job::Actions,
        Job::Models,
    ];
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
            tokens: root(api),
        },
        Job::Client => FileTokens {
            name: "client.rs".to_owned(),
            tokens: client(api, opts),
        },
        Job::Service => FileTokens {
            name: "service.rs".to_owned(),
            tokens: service(api),
        },
        Job::Unset => FileTokens {
            name: "unset.rs".to_owned(),
            tokens: Scope::new(api, []).unset_module(),
        },
        Job::Actions => FileTokens {
            name: "actions/mod.rs".to_owned(),
            tokens: actions_index(api),
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
                name: format!("actions/{}.rs", a.module),
                tokens: action::emit(api, a, opts),
            }
        }
    }
}

fn root(api: &Api) -> TokenStream {
    let s = &api.service;
    let module_doc = docs::inner(&format!(
        "{}, API version {}.\n\n{}",
        s.title, s.version, s.document
    ));
    let errors = if api.actions.iter().any(|a| a.shared_errors) {
        let error = action::shared_error_name(api);
        let kind = format_ident!("{}Kind", error);
        quote! {
            mod errors;
            pub use errors::{#error, #kind};
        }
    } else {
        TokenStream::new()
    };
    quote! {
        #module_doc
        pub mod actions;
        mod client;
        pub mod models;
        mod service;
        #[doc(hidden)]
        pub mod unset;
        #errors

        pub use client::{Client, ClientBuilder};
        pub use service::SERVICE;
        #[doc(no_inline)]
        pub use ::tencentcloud_runtime::{
            config, credentials, error, paginate, rate_limit, reqwest, time, wait, ConfigError, ErrorKind, ErrorMetadata,
            Language, Overrides, RateLimit, RateLimitScope, RetryConfig, SdkError,
        };
    }
}

/// `actions/mod.rs`: one module per action.
fn actions_index(api: &Api) -> TokenStream {
    let doc = docs::inner(&format!(
        "The actions of {}, one module each: its input and builder, output, error and the fluent request that [`Client`](super::Client) starts.",
        api.service.title
    ));
    let mods = api.actions.iter().map(|a| {
        let m = ident(&a.module);
        quote! { pub mod #m; }
    });
    quote! {
        #doc
        #(#mods)*
    }
}

/// `client.rs`: the service's `Client` over the runtime's, and its methods.
fn client(api: &Api, opts: &EmitOptions<'_>) -> TokenStream {
    let title = &api.service.title;
    let doc = docs::outer(&format!(
        "A client of {title}: one method per action, each starting that action's request. \
         Cheap to clone: clones share the connection pool, credentials, rate-limit budgets and \
         the learned clock offset.\n\n\
         It is the runtime's [`Client`](::tencentcloud_runtime::Client) bound to this service, and \
         dereferences to it for what every service shares ([`region`](::tencentcloud_runtime::Client::region), \
         [`call_json`](::tencentcloud_runtime::Client::call_json), \
         [`clock_offset_secs`](::tencentcloud_runtime::Client::clock_offset_secs), …)."
    ));
    let builder_doc = docs::outer(&format!(
        "Configures a [`Client`] of {title}: the runtime's builder, bound to this service's facts."
    ));
    let methods = action::client_methods(api, opts);
    quote! {
        #doc
        #[derive(Clone, Debug)]
        pub struct Client(::tencentcloud_runtime::Client);

        #builder_doc
        pub type ClientBuilder = ::tencentcloud_runtime::ClientBuilder<Client>;

        impl Client {
            /// Starts configuring a client; nothing is checked until `build`.
            pub fn builder() -> ClientBuilder {
                ::tencentcloud_runtime::ClientBuilder::new(super::SERVICE)
            }

            /// A handle whose calls use other settings: see
            /// [`with_overrides`](::tencentcloud_runtime::Client::with_overrides).
            pub fn with_overrides(
                &self,
                f: impl FnOnce(::tencentcloud_runtime::Overrides) -> ::tencentcloud_runtime::Overrides,
            ) -> Self {
                Client(self.0.with_overrides(f))
            }

            /// The runtime client under this one.
            pub fn runtime(&self) -> &::tencentcloud_runtime::Client {
                &self.0
            }
        }

        impl ::core::convert::From<::tencentcloud_runtime::Client> for Client {
            fn from(client: ::tencentcloud_runtime::Client) -> Self {
                Client(client)
            }
        }

        impl ::core::ops::Deref for Client {
            type Target = ::tencentcloud_runtime::Client;
            fn deref(&self) -> &::tencentcloud_runtime::Client {
                &self.0
            }
        }

        #methods
    }
}

/// `service.rs`: the facts the runtime and the test server need.
fn service(api: &Api) -> TokenStream {
    let scope = Scope::new(api, []);
    let s = &api.service;
    let (name, version, endpoint, signing) = (&s.name, &s.version, &s.endpoint, &s.signing_service);
    let operations = operation_table(&scope);
    quote! {
        //! The service's facts and every action's request members and
        //! examples, as data: the runtime's `call_json` and the test server
        //! work from these.

        /// The service these modules were generated for, with its operations
        /// table: what the runtime and the test server (`tencentcloud-mock`)
        /// need to call and serve it.
        pub const SERVICE: ::tencentcloud_runtime::ServiceInfo = ::tencentcloud_runtime::ServiceInfo {
            name: #name,
            version: #version,
            endpoint: #endpoint,
            signing_service: #signing,
            client_id: ::core::concat!(::core::env!("CARGO_PKG_NAME"), "-rust/", ::core::env!("CARGO_PKG_VERSION")),
            operations: &OPERATIONS,
        };

        #operations
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
            let (name, required, ty) = (&f.wire_name, f.required, param_type(api, &f.ty, f.unsigned));
            quote!(::tencentcloud_runtime::operation::Param { name: #name, required: #required, ty: #ty })
        });
        quote!(&[#(#items),*])
    };
    let schemas = api.models.iter().filter(|m| m.input).map(|m| {
        let name = ident(&m.schema_name);
        let wire = &m.wire_name;
        let members = params(&m.fields);
        let doc = format!(" Request schema of `{wire}`.");
        quote! {
            #[doc = #doc]
            pub static #name: ::tencentcloud_runtime::operation::ObjectSchema = ::tencentcloud_runtime::operation::ObjectSchema {
                name: #wire,
                members: #members,
            };
        }
    });
    let count = proc_macro2::Literal::usize_unsuffixed(api.actions.len());
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
        let paginated = match &a.pagination {
            Some(p) => {
                let (offset, limit, items) =
                    (&p.offset.wire_name, &p.limit.wire_name, &p.items_wire);
                let total = match &p.total_wire {
                    Some(t) => quote!(#some(#t)),
                    None => quote!(#none),
                };
                let size = proc_macro2::Literal::u64_unsuffixed(p.default_page_size);
                quote!(#some(::tencentcloud_runtime::operation::PageInfo {
                    offset: #offset,
                    limit: #limit,
                    items: #items,
                    total: #total,
                    default_page_size: #size,
                }))
            }
            None => quote!(#none),
        };
        quote! {
            ::tencentcloud_runtime::operation::OperationInfo {
                action: #action,
                retry_safe: #retry_safe,
                rate_limit_per_second: #rate,
                request: #request,
                example_request: #req,
                example_response: #resp,
                paginated: #paginated,
            }
        }
    });
    quote! {
        /// Every action's request members and examples (a `static`: a
        /// `const` may point at statics, but its temporaries may not).
        pub static OPERATIONS: [::tencentcloud_runtime::operation::OperationInfo; #count] = [#(#ops),*];

        #(#schemas)*
    }
}

/// A member's `ParamType` (value sets by their wire type: `unsigned`, a
/// `uint64` member's).
fn param_type(api: &Api, ty: &Type, unsigned: bool) -> TokenStream {
    let p = quote!(::tencentcloud_runtime::operation::ParamType);
    match ty {
        Type::String => quote!(#p::String),
        Type::Int64 => quote!(#p::Int64),
        Type::Uint64 => quote!(#p::Uint64),
        Type::Float => quote!(#p::Float),
        Type::Bool => quote!(#p::Bool),
        Type::DateTime | Type::DateTimeIso | Type::Date => quote!(#p::String),
        // Only integer members reach requests (`check.rs`).
        Type::UnixSeconds => quote!(#p::Int64),
        Type::ValueSet(i) => match api.value_sets[*i].kind {
            crate::ir::SetKind::String => quote!(#p::String),
            crate::ir::SetKind::Int64 if unsigned => quote!(#p::Uint64),
            crate::ir::SetKind::Int64 => quote!(#p::Int64),
        },
        Type::Model(i) => {
            let s = ident(&api.models[*i].schema_name);
            quote!(#p::Object(&#s))
        }
        Type::List(inner) => {
            let inner = param_type(api, inner, unsigned);
            quote!(#p::List(&#inner))
        }
    }
}
