//! One module per action: the operation marker, input, output, wire body
//! and error types.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::structs::{self, StructDef, Typestate};
use super::{EmitOptions, Scope, Std, docs, ident, markdown};
use crate::ir::{Action, Api, Field, Pagination, SetKind, SetLiteral, Type, Waiter};

/// The types of an action's module, after its type name prefix.
const SUFFIXES: [&str; 8] = [
    "Input",
    "InputBuilder",
    "Request",
    "Output",
    "OutputBuilder",
    "ResponseBody",
    "Error",
    "ErrorKind",
];

pub(crate) fn emit(api: &Api, a: &Action, opts: &EmitOptions<'_>) -> TokenStream {
    let defined = SUFFIXES
        .iter()
        .map(|suffix| format!("{}{suffix}", a.type_name))
        .chain([a.op_name.clone()]);
    let s = &Scope::new(api, defined).nested();
    let module_doc = docs::inner(&module_docs(a));
    let op = ident(&a.op_name);
    let input = format_ident!("{}Input", a.type_name);
    let output = format_ident!("{}Output", a.type_name);
    let body = format_ident!("{}ResponseBody", a.type_name);
    let error = format_ident!("{}Error", a.type_name);
    let (wire, retry_safe) = (&a.wire_name, a.retry_safe);
    let str_ = s.std(Std::Str);
    let service = s.root("SERVICE");
    let rate = proc_macro2::Literal::u32_unsuffixed(a.rate_limit_per_second);
    let op_doc = docs::outer(&format!(
        "The `{wire}` action, for code that is generic over [`Operation`](::tencentcloud_runtime::operation::Operation)."
    ));

    let input_def = structs::emit(
        s,
        &StructDef {
            name: input.to_string(),
            builder: Some(format!("{input}Builder")),
            docs: docs::outer(&docs::paragraphs([
                format!("Parameters of `{wire}`."),
                markdown(&a.request.document),
            ])),
            fields: a.request.fields.iter().collect(),
            public_fields: false,
            serialize: true,
            deserialize: false,
            builder_docs: builder_examples(api, a, opts),
            carrier: true,
        },
    );
    let request_id = Field {
        unsigned: false,
        sensitive: false,
        wire_name: "RequestId".to_owned(),
        ident: "request_id".to_owned(),
        set_ident: "set_request_id".to_owned(),
        document: markdown(&api.service.request_id_document),
        ty: Type::String,
        required: true,
        documented_present: false,
        boxed: false,
        example: None,
    };
    let mut out_fields: Vec<&Field> = a.response.fields.iter().collect();
    out_fields.push(&request_id);
    let output_def = structs::emit(
        s,
        &StructDef {
            name: output.to_string(),
            builder: None,
            docs: docs::outer(&docs::paragraphs([
                format!("Successful answer of `{wire}`."),
                markdown(&a.response.document),
                "Every member is optional: Tencent's own answers omit members its descriptions call always present. To build one in a test, start from `Default` and set the public fields.".to_owned(),
            ])),
            fields: out_fields,
            public_fields: true,
            serialize: false,
            deserialize: false,
            builder_docs: TokenStream::new(),
            carrier: false,
        },
    );
    let body_def = response_body(s, a, &body, &output);
    let fluent = fluent_request(s, api, a, &op, &input, &output, &error);
    let paginated = a
        .pagination
        .as_ref()
        .map(|p| paginated_impl(s, p, &op, &input, &output))
        .unwrap_or_default();
    let errors = if a.shared_errors {
        shared_error_aliases(s, a, &error)
    } else {
        let wire = &a.wire_name;
        error_types(
            s,
            &format!("`{wire}`"),
            &format!(
                "The error codes `{wire}` is documented to return: its own codes first, then the codes common to every action."
            ),
            &a.errors,
            &error,
        )
    };

    quote! {
        #module_doc

        #op_doc
        #[derive(Clone, Copy, Debug, Default)]
        pub struct #op;

        impl ::tencentcloud_runtime::operation::Operation for #op {
            const SERVICE: ::tencentcloud_runtime::operation::ServiceInfo = #service;
            const ACTION: &'static #str_ = #wire;
            const RETRY_SAFE: bool = #retry_safe;
            const RATE_LIMIT_PER_SECOND: u32 = #rate;
            type Input = #input;
            type Output = #output;
            type Error = #error;
            type ResponseBody = #body;
        }

        #paginated
        #input_def
        #fluent
        #output_def
        #body_def
        #errors
    }
}

fn module_docs(a: &Action) -> String {
    let mut s = docs::paragraphs([
        format!(
            "`{}`: {}.",
            a.wire_name,
            markdown(a.title.trim_end_matches('.'))
        ),
        markdown(&a.document),
        format!(
            "Rate limit: {} requests per second. {}",
            a.rate_limit_per_second,
            if a.retry_safe {
                "Safe to retry: re-sending after an ambiguous failure cannot change state twice."
            } else {
                "Not safe to retry: once the request may have reached the service, it is not re-sent."
            }
        ),
    ]);
    for ex in &a.examples {
        s.push_str(&format!("\n\n# Example: {}", markdown(&ex.title)));
        if let Some(request) = &ex.request {
            s.push_str(&format!(
                "\n\nRequest body:\n\n{}",
                docs::json_block(request)
            ));
        }
        s.push_str(&format!(
            "\n\nResponse:\n\n{}",
            docs::json_block(&ex.response)
        ));
    }
    s
}

/// A runnable example of the input builder and, when there is a required
/// member, a `compile_fail` twin that leaves the last one out.
fn builder_examples(api: &Api, a: &Action, opts: &EmitOptions<'_>) -> TokenStream {
    let Some(krate) = opts.doctest_crate else {
        return TokenStream::new();
    };
    let mut calls = Vec::new();
    for f in a.request.fields.iter().filter(|f| f.required) {
        let Some(value) = example_literal(api, f) else {
            return TokenStream::new();
        };
        calls.push(format!("    .{}({value})", f.ident));
    }
    let path = format!("{krate}::actions::{}::{}Input", a.module, a.type_name);
    let mut text = format!("\n# Example\n\n```\nlet input = {path}::builder()\n");
    for c in &calls {
        text.push_str(&format!("{c}\n"));
    }
    text.push_str("    .build();\n```\n");
    if let Some((_, head)) = calls.split_last() {
        text.push_str(
            "\nLeaving out a required member does not compile:\n\n```compile_fail,E0599\n",
        );
        text.push_str(&format!("let input = {path}::builder()\n"));
        for c in head {
            text.push_str(&format!("{c}\n"));
        }
        text.push_str("    .build();\n```");
    }
    docs::outer(&text)
}

fn example_literal(api: &Api, f: &Field) -> Option<String> {
    let given = f.example.as_ref().filter(|v| !v.is_null() && *v != "无");
    Some(match (&f.ty, given) {
        (Type::String, Some(serde_json::Value::String(s))) => format!("{s:?}"),
        (Type::String, _) => "\"example\"".to_owned(),
        (Type::Int64 | Type::Uint64, Some(v)) if v.is_i64() || v.is_u64() => format!("{v}u32"),
        (Type::Int64 | Type::Uint64, _) => "1u32".to_owned(),
        (Type::UnixSeconds, given) => {
            let n = given.and_then(|v| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok()));
            format!("{}i64", n.unwrap_or(1_700_000_000))
        }
        (Type::Float, _) => "1.5".to_owned(),
        (Type::Bool, _) => "true".to_owned(),
        (Type::ValueSet(i), _) => match &api.value_sets[*i].values.first()?.wire {
            SetLiteral::String(s) => format!("{s:?}"),
            SetLiteral::Int(n) => format!("{n}i64"),
        },
        _ => return None,
    })
}

fn response_body(
    s: &Scope<'_>,
    a: &Action,
    body: &proc_macro2::Ident,
    output: &proc_macro2::Ident,
) -> TokenStream {
    let (option, some, none) = (s.std(Std::Option), s.std(Std::Some), s.std(Std::None));
    let string = s.std(Std::String);
    let (result, ok, err) = (s.std(Std::Result), s.std(Std::Ok), s.std(Std::Err));
    let body_error = quote!(::tencentcloud_runtime::__private::BodyError);
    let error_or = quote!(::tencentcloud_runtime::__private::ErrorOr);
    // A member named `Error` shares the envelope's key: one field holds
    // either, and it becomes a local once the envelope's error is ruled out.
    let shared = |f: &Field| f.wire_name == "Error";
    let fields = a.response.fields.iter().map(|f| {
        let id = ident(&f.ident);
        let ty = s.ty(&f.ty);
        let ty = if shared(f) {
            quote!(#error_or<#ty>)
        } else {
            quote!(#option<#ty>)
        };
        quote!(#id: #ty,)
    });
    let mut entries: Vec<structs::FieldEntry<'_>> = vec![structs::FieldEntry {
        wire: "RequestId",
        field: format_ident!("request_id"),
        lenient: true,
    }];
    if !a.response.fields.iter().any(&shared) {
        entries.push(structs::FieldEntry {
            wire: "Error",
            field: format_ident!("__error"),
            lenient: false,
        });
    }
    entries.extend(a.response.fields.iter().map(|f| structs::FieldEntry {
        wire: &f.wire_name,
        field: ident(&f.ident),
        lenient: true,
    }));
    let fields_def = structs::fields_impl(s, &quote!(#body), &entries);
    let (envelope_error, check_error) = match a.response.fields.iter().find(|f| shared(f)) {
        None => (
            quote! {
                __error: #option<::tencentcloud_runtime::__private::ErrorBody>,
            },
            quote! {
                if let #some(error) = self.__error {
                    return #err(#body_error::Service(error.into_metadata(self.request_id)));
                }
            },
        ),
        Some(f) => {
            let id = ident(&f.ident);
            let check = quote! {
                let #id = match self.#id {
                    #error_or::Service(error) => {
                        return #err(#body_error::Service(error.into_metadata(self.request_id)));
                    }
                    #error_or::Member(member) => member,
                };
            };
            (TokenStream::new(), check)
        }
    };
    let source = |f: &Field| {
        let id = ident(&f.ident);
        if shared(f) {
            quote!(#id)
        } else {
            quote!(self.#id)
        }
    };
    let required = a.response.fields.iter().filter(|f| f.required).map(|f| {
        let (id, src) = (ident(&f.ident), source(f));
        let wire = &f.wire_name;
        quote! {
            let #some(#id) = #src else {
                return #err(#body_error::Missing {
                    member: #wire,
                    request_id: #some(request_id),
                });
            };
        }
    });
    let moves = a.response.fields.iter().map(|f| {
        let id = ident(&f.ident);
        if f.required || shared(f) {
            quote!(#id,)
        } else {
            quote!(#id: self.#id,)
        }
    });
    quote! {
        /// Wire form of the `Response` object; not part of the public API.
        #[doc(hidden)]
        #[derive(Default)]
        pub struct #body {
            #envelope_error
            request_id: #option<#string>,
            #(#fields)*
        }

        #fields_def

        impl ::tencentcloud_runtime::__private::ResponseBody for #body {
            type Output = #output;

            fn request_id(&self) -> #option<&str> {
                self.request_id.as_deref()
            }

            fn into_output(self) -> #result<#output, #body_error> {
                #check_error
                let #some(request_id) = self.request_id else {
                    return #err(#body_error::Missing {
                        member: "RequestId",
                        request_id: #none,
                    });
                };
                #(#required)*
                #ok(#output { #(#moves)* request_id })
            }
        }
    }
}

/// The service error type of the shared `{Service}Error` name.
pub(crate) fn shared_error_name(api: &Api) -> proc_macro2::Ident {
    format_ident!("{}Error", crate::names::camel(&api.service.name))
}

/// An action that lists no codes of its own answers with the service's
/// error type, under the action's names.
fn shared_error_aliases(s: &Scope<'_>, a: &Action, error: &proc_macro2::Ident) -> TokenStream {
    let shared = shared_error_name(s.api);
    let shared_kind = format_ident!("{}Kind", shared);
    let kind = format_ident!("{}Kind", error);
    let doc = docs::outer(&format!(
        "An error answer of `{}`. Tencent does not say which codes it returns, so any code of the service is classified: see [`{shared_kind}`]({}).",
        a.wire_name,
        s.root_doc(&shared_kind.to_string()),
    ));
    let errors = s.root("errors");
    let kind_doc = docs::outer(&format!("The kinds of [`{error}`]."));
    quote! {
        #doc
        pub type #error = #errors::#shared;
        #kind_doc
        pub type #kind = #errors::#shared_kind;
    }
}

/// The `errors` module: the error type of every action without codes of
/// its own.
pub(crate) fn shared_errors(api: &Api) -> TokenStream {
    let error = shared_error_name(api);
    let kind = format_ident!("{}Kind", error);
    let s = &Scope::new(api, [error.to_string(), kind.to_string()]);
    let title = &api.service.title;
    let types = error_types(
        s,
        title,
        &format!(
            "The error codes of {title}: its own codes, then the codes common to every Tencent Cloud action. Tencent does not say which action returns which, so every action without a documented list of its own shares this kind."
        ),
        &api.service_errors,
        &error,
    );
    quote! {
        //! The service-wide error type, shared by the actions whose codes
        //! Tencent does not list one by one.
        #types
    }
}

fn error_types(
    s: &Scope<'_>,
    subject: &str,
    lead: &str,
    errors: &[crate::ir::ErrorCode],
    error: &proc_macro2::Ident,
) -> TokenStream {
    let kind = format_ident!("{}Kind", error);
    let (option, some, none) = (s.std(Std::Option), s.std(Std::Some), s.std(Std::None));
    let str_ = s.std(Std::Str);
    let variants: Vec<_> = errors.iter().map(|e| ident(&e.variant)).collect();
    let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
    let variant_docs = errors.iter().map(|e| {
        let origin = if e.common { " (common error)" } else { "" };
        docs::outer(&format!("`{}`{origin}: {}", e.code, markdown(&e.document)))
    });
    let kind_doc = docs::outer(&format!(
        "{lead} Any other code is [`Unhandled`]({kind}::Unhandled)."
    ));
    let code_doc =
        format!(" The error code as sent, also for [`Unhandled`]({kind}::Unhandled) errors.");
    let error_doc = docs::outer(&format!(
        "An error answer of {subject}: its [kind]({error}::kind), and the code, message and request id the service sent."
    ));
    // A service that lists no code (ai3d) has nothing to match.
    let classify = if codes.is_empty() {
        quote! {
            let _ = code;
            Self::Unhandled
        }
    } else {
        quote! {
            match code {
                #(#codes => Self::#variants,)*
                _ => Self::Unhandled,
            }
        }
    };
    quote! {
        #kind_doc
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #kind {
            #(#variant_docs #variants,)*
            /// A code this version of the crate does not know; the error keeps it.
            Unhandled,
        }

        impl #kind {
            /// Classifies an error code.
            pub fn from_code(code: &#str_) -> Self {
                #classify
            }

            /// The code this kind stands for; `None` for [`Unhandled`](Self::Unhandled).
            pub fn code(self) -> #option<&'static #str_> {
                match self {
                    #(Self::#variants => #some(#codes),)*
                    Self::Unhandled => #none,
                }
            }
        }

        #error_doc
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct #error {
            kind: #kind,
            metadata: ::tencentcloud_runtime::ErrorMetadata,
        }

        impl #error {
            /// Classifies what the service said; also how to build one in tests.
            pub fn new(metadata: ::tencentcloud_runtime::ErrorMetadata) -> Self {
                #error { kind: #kind::from_code(metadata.code()), metadata }
            }

            /// Which documented error this is.
            pub fn kind(&self) -> #kind {
                self.kind
            }

            #[doc = #code_doc]
            pub fn code(&self) -> &#str_ {
                self.metadata.code()
            }

            /// The service's message.
            pub fn message(&self) -> &#str_ {
                self.metadata.message()
            }

            /// The `RequestId` of the answer.
            pub fn request_id(&self) -> #option<&#str_> {
                self.metadata.request_id()
            }

            /// Everything the service said.
            pub fn metadata(&self) -> &::tencentcloud_runtime::ErrorMetadata {
                &self.metadata
            }
        }

        impl ::std::fmt::Display for #error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.metadata, f)
            }
        }

        impl ::std::error::Error for #error {}

        impl ::tencentcloud_runtime::operation::ServiceError for #error {
            fn from_metadata(metadata: ::tencentcloud_runtime::ErrorMetadata) -> Self {
                Self::new(metadata)
            }

            fn metadata(&self) -> &::tencentcloud_runtime::ErrorMetadata {
                &self.metadata
            }
        }
    }
}

/// `output.a.as_ref().and_then(|v| v.b.as_ref())` (or `as_mut`, then
/// `last` on the final member): a member of the answer through optional
/// objects.
fn reach(path: &[String], last: TokenStream, by: TokenStream) -> TokenStream {
    let Some((head, tail)) = path.split_first() else {
        return quote!(output #last);
    };
    let head = ident(head);
    if tail.is_empty() {
        return quote!(output.#head #last);
    }
    let mut chain = quote!(output.#head.#by());
    for (i, f) in tail.iter().enumerate() {
        let f = ident(f);
        let end = if i + 1 == tail.len() {
            last.clone()
        } else {
            quote!(.#by())
        };
        chain = quote!(#chain.and_then(|v| v.#f #end));
    }
    chain
}

/// `impl Paginated`: where the action's page members are. Conversions and
/// walking are the runtime's, so this is a line per member.
fn paginated_impl(
    s: &Scope<'_>,
    p: &Pagination,
    op: &proc_macro2::Ident,
    input: &proc_macro2::Ident,
    output: &proc_macro2::Ident,
) -> TokenStream {
    let (offset, limit) = (ident(&p.offset.ident), ident(&p.limit.ident));
    let item = s.ty(&p.item);
    let vec = s.std(Std::Vec);
    let size = proc_macro2::Literal::u64_unsuffixed(p.default_page_size);
    let items_ref = reach(&p.items, quote!(.as_ref()), quote!(as_ref));
    let items_take = reach(&p.items, quote!(.take()), quote!(as_mut));
    let total = match &p.total {
        Some((path, _)) => {
            let t = reach(path, quote!(), quote!(as_ref));
            quote!(::tencentcloud_runtime::paginate::PageNumber::to_u64(#t))
        }
        None => s.std(Std::None),
    };
    let option = s.std(Std::Option);
    quote! {
        impl ::tencentcloud_runtime::paginate::Paginated for #op {
            type Item = #item;
            const DEFAULT_PAGE_SIZE: u64 = #size;
            fn with_page(input: &#input, offset: u64, limit: u64) -> #input {
                use ::tencentcloud_runtime::paginate::PageNumber;
                let mut input = input.clone();
                input.#offset = PageNumber::from_u64(offset);
                input.#limit = PageNumber::from_u64(limit);
                input
            }
            fn offset(input: &#input) -> u64 {
                ::tencentcloud_runtime::paginate::PageNumber::to_u64(input.#offset).unwrap_or(0)
            }
            fn limit(input: &#input) -> #option<u64> {
                ::tencentcloud_runtime::paginate::PageNumber::to_u64(input.#limit)
            }
            fn item_count(output: &#output) -> usize {
                #items_ref.map_or(0, |items| items.len())
            }
            fn take_items(output: &mut #output) -> #vec<#item> {
                #items_take.unwrap_or_default()
            }
            fn total(output: &#output) -> #option<u64> {
                #total
            }
        }
    }
}

/// `{Action}Request`: the input builder with its client slot bound
/// (`with_client`), which adds `send`; the setters are the builder's own.
fn fluent_request(
    s: &Scope<'_>,
    api: &Api,
    a: &Action,
    op: &proc_macro2::Ident,
    input: &proc_macro2::Ident,
    output: &proc_macro2::Ident,
    error: &proc_macro2::Ident,
) -> TokenStream {
    let request = format_ident!("{}Request", a.type_name);
    let input_builder = format_ident!("{}Builder", input);
    let carrier = format_ident!("{}", structs::CARRIER_FIELD);
    let fields: Vec<&Field> = a.request.fields.iter().collect();
    let ts = Typestate::new(s, &fields);
    let (decl, all_set, states) = (ts.decl(), ts.all_set(), ts.states());
    let allow = ts.allow_complexity();
    let (result, op) = (s.std(Std::Result), s.own(&op.to_string()));
    let moves = fields.iter().map(|f| {
        let id = ident(&f.ident);
        quote!(#id: self.#id,)
    });
    let doc = docs::outer(&format!(
        "A `{}` request bound to a [`Client`]({}): the [`{input_builder}`] with a client, \
         from `client.{}()` or `with_client`. Set the members, then `send().await`; like the builder's \
         `build`, `send` exists only once every required member is set.",
        a.wire_name,
        s.root_doc("Client"),
        a.module
    ));
    let client_ty = s.root("Client");
    let paginator = if a.pagination.is_some() {
        quote! {
            /// Walks the answer's pages from this request's offset, its
            /// limit a page: `.items()` or `.pages()`, each `next().await`
            /// in turn; bounded (`max_pages`) and rate-limited like any call.
            pub fn into_paginator(self) -> ::tencentcloud_runtime::paginate::Paginator<#op> {
                let client = ::core::ops::Deref::deref(&self.#carrier).clone();
                ::tencentcloud_runtime::paginate::Paginator::new(client, self.build())
            }
        }
    } else {
        TokenStream::new()
    };
    let waiters = a
        .waiters
        .iter()
        .map(|w| waiter_method(api, a, w, &op, output, &carrier));
    quote! {
        #doc
        #allow
        pub type #request #decl = #input_builder<#client_ty, #(#states),*>;

        #allow
        impl<#(#states),*> #input_builder<(), #(#states),*> {
            /// Binds the builder to `client`: the same members, and `send`.
            pub fn with_client(self, client: #client_ty) -> #request<#(#states),*> {
                #input_builder { #carrier: client, #(#moves)* }
            }
        }

        #allow
        impl<#(#states),*> #request<#(#states),*> #all_set {
            /// Sends the request and decodes the answer.
            pub async fn send(self) -> #result<#output, ::tencentcloud_runtime::SdkError<#error>> {
                let client = self.#carrier.clone();
                let input = self.build();
                client.call::<#op>(&input).await
            }
            #paginator
            #(#waiters)*
        }
    }
}

/// `wait_until_{name}`: the runtime's waiter with a classifier reading the
/// status member; the polling is the runtime's.
fn waiter_method(
    api: &Api,
    a: &Action,
    w: &Waiter,
    op: &TokenStream,
    output: &proc_macro2::Ident,
    carrier: &proc_macro2::Ident,
) -> TokenStream {
    let method = ident(&w.method);
    let value = match &w.status_type {
        Type::String => quote!(.map(|v| v.as_str())),
        Type::ValueSet(i) if api.value_sets[*i].kind == SetKind::String => {
            quote!(.map(|v| v.as_str()))
        }
        Type::ValueSet(_) => quote!(.map(|v| v.as_i64())),
        _ => quote!(.copied()),
    };
    let status = reach(&w.status, quote!(.as_ref()), quote!(as_ref));
    let pattern = |values: &[SetLiteral]| -> TokenStream {
        let lits = values.iter().map(|v| match v {
            SetLiteral::String(s) => quote!(#s),
            SetLiteral::Int(i) => {
                let lit = proc_macro2::Literal::i64_unsuffixed(*i);
                quote!(#lit)
            }
        });
        quote!(#(Some(#lits))|*)
    };
    let shown = |values: &[SetLiteral]| -> String {
        let shown: Vec<String> = values
            .iter()
            .map(|v| match v {
                SetLiteral::String(s) => format!("`\"{s}\"`"),
                SetLiteral::Int(i) => format!("`{i}`"),
            })
            .collect();
        shown.join(", ")
    };
    let failed_arm = if w.failed.is_empty() {
        TokenStream::new()
    } else {
        let p = pattern(&w.failed);
        quote!(#p => ::tencentcloud_runtime::wait::WaitState::Failed,)
    };
    let done = pattern(&w.done);
    let mut text = format!(
        "{}\n\nSends this `{}` request until `{}` is {} (done: the answer is returned)",
        markdown(&w.document),
        a.wire_name,
        w.status_wire,
        shown(&w.done),
    );
    if !w.failed.is_empty() {
        text.push_str(&format!(" or {} (failed: [`WaitError::Failed`](::tencentcloud_runtime::wait::WaitError::Failed) with the answer)", shown(&w.failed)));
    }
    text.push_str(
        "; any other value is pending. Set `max_wait` and `delays` on the \
         [`Waiter`](::tencentcloud_runtime::wait::Waiter), then `wait().await`; \
         each poll is rate-limited and retried like any call.",
    );
    let doc = docs::outer(&text);
    quote! {
        #doc
        pub fn #method(self) -> ::tencentcloud_runtime::wait::Waiter<#op, fn(&#output) -> ::tencentcloud_runtime::wait::WaitState> {
            let classify: fn(&#output) -> ::tencentcloud_runtime::wait::WaitState = |output| {
                match #status #value {
                    #done => ::tencentcloud_runtime::wait::WaitState::Done,
                    #failed_arm
                    _ => ::tencentcloud_runtime::wait::WaitState::Pending,
                }
            };
            let client = self.#carrier.clone();
            ::tencentcloud_runtime::wait::Waiter::new(&client, self.build(), classify)
        }
    }
}

/// `impl Client { pub fn <action>(&self) -> <Action>Request }` for every
/// action; only in the crate that owns `Client`.
pub(crate) fn client_methods(api: &Api, opts: &EmitOptions<'_>) -> TokenStream {
    let methods = api.actions.iter().enumerate().map(|(index, a)| {
        let module = ident(&a.module);
        let request = format_ident!("{}Request", a.type_name);
        let mut text = format!(
            "`{}`: {}.",
            a.wire_name,
            markdown(a.title.trim_end_matches('.'))
        );
        for (w, polled) in api
            .actions
            .iter()
            .flat_map(|p| p.waiters.iter().map(move |w| (w, p)))
        {
            if w.after.contains(&index) {
                text.push_str(&format!(
                    "\n\nThe work goes on after it answers: wait for it with \
                     [`{r}::{m}`](super::actions::{module}::{r}::{m}) (`client.{module}()…{m}()`).",
                    r = format_args!("{}Request", polled.type_name),
                    m = w.method,
                    module = polled.module,
                ));
            }
        }
        if let Some(example) = client_example(api, a, opts) {
            text.push_str(&example);
        }
        let doc = docs::outer(&text);
        let builder = format_ident!("{}InputBuilder", a.type_name);
        quote! {
            #doc
            pub fn #module(&self) -> super::actions::#module::#request {
                super::actions::#module::#builder::new().with_client(self.clone())
            }
        }
    });
    quote! {
        impl Client {
            #(#methods)*
        }
    }
}

fn client_example(api: &Api, a: &Action, opts: &EmitOptions<'_>) -> Option<String> {
    let krate = opts.doctest_crate?;
    let mut text = format!(
        "\n\n```\n# async fn run(client: {krate}::Client) -> Result<(), Box<dyn std::error::Error>> {{\nlet output = client\n    .{}()\n",
        a.module
    );
    for f in a.request.fields.iter().filter(|f| f.required) {
        text.push_str(&format!("    .{}({})\n", f.ident, example_literal(api, f)?));
    }
    text.push_str("    .send()\n    .await?;\nprintln!(\"request id {}\", output.request_id);\n# Ok(())\n# }\n```");
    Some(text)
}
