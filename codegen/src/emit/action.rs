//! One module per action: the operation marker, input, output, wire body
//! and error types.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::structs::{self, StructDef};
use super::{EmitOptions, docs, ident, markdown, rust_type, unset_module};
use crate::ir::{Action, Api, Field, SetLiteral, Type};

pub(crate) fn emit(api: &Api, a: &Action, opts: &EmitOptions<'_>) -> TokenStream {
    let module_doc = docs::inner(&module_docs(a));
    let op = ident(&a.type_name);
    let input = format_ident!("{}Input", a.type_name);
    let output = format_ident!("{}Output", a.type_name);
    let body = format_ident!("{}ResponseBody", a.type_name);
    let error = format_ident!("{}Error", a.type_name);
    let (wire, retry_safe) = (&a.wire_name, a.retry_safe);
    let rate = proc_macro2::Literal::u32_unsuffixed(a.rate_limit_per_second);
    let op_doc = docs::outer(&format!(
        "The `{wire}` action, for code that is generic over [`Operation`](::tcmpp_api::operation::Operation)."
    ));

    let input_def = structs::emit(
        api,
        &StructDef {
            name: input.to_string(),
            docs: docs::outer(&format!(
                "Parameters of `{wire}`.\n\n{}",
                markdown(&a.request.document)
            )),
            fields: a.request.fields.iter().collect(),
            public_fields: false,
            deserialize: false,
            builder_docs: builder_examples(api, a, opts),
        },
    );
    let request_id = Field {
        wire_name: "RequestId".to_owned(),
        ident: "request_id".to_owned(),
        document: markdown(&api.service.request_id_document),
        ty: Type::String,
        required: true,
        example: None,
    };
    let mut out_fields: Vec<&Field> = a.response.fields.iter().collect();
    out_fields.push(&request_id);
    let output_def = structs::emit(
        api,
        &StructDef {
            name: output.to_string(),
            docs: docs::outer(&format!(
                "Successful answer of `{wire}`.\n\n{}",
                markdown(&a.response.document)
            )),
            fields: out_fields,
            public_fields: true,
            deserialize: false,
            builder_docs: TokenStream::new(),
        },
    );
    let body_def = response_body(api, a, &body, &output);
    let errors = error_types(api, a, &error);
    let required: Vec<&str> = a
        .request
        .fields
        .iter()
        .chain(a.response.fields.iter())
        .filter(|f| f.required)
        .map(|f| f.ident.as_str())
        .chain(std::iter::once("request_id"))
        .collect();
    let unset = unset_module(&required);

    quote! {
        #module_doc

        #op_doc
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct #op;

        impl ::tcmpp_api::operation::Operation for #op {
            const ACTION: &'static str = #wire;
            const RETRY_SAFE: bool = #retry_safe;
            const RATE_LIMIT_PER_SECOND: u32 = #rate;
            type Input = #input;
            type Output = #output;
            type Error = #error;
            type ResponseBody = #body;
        }

        #input_def
        #output_def
        #body_def
        #errors
        #unset
    }
}

fn module_docs(a: &Action) -> String {
    let mut s = format!(
        "`{}`: {}.\n\n{}\n\nRate limit: {} requests per second. {}",
        a.wire_name,
        markdown(a.title.trim_end_matches('.')),
        markdown(&a.document),
        a.rate_limit_per_second,
        if a.retry_safe {
            "Safe to retry: re-sending after an ambiguous failure cannot change state twice."
        } else {
            "Not safe to retry: once the request may have reached the service, it is not re-sent."
        }
    );
    for ex in &a.examples {
        s.push_str(&format!(
            "\n\n# Example: {}\n\nRequest body:\n\n{}\n\nResponse:\n\n{}",
            markdown(&ex.title),
            docs::json_block(&ex.request),
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
    let path = format!("{krate}::{}::{}Input", a.module, a.type_name);
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
    api: &Api,
    a: &Action,
    body: &proc_macro2::Ident,
    output: &proc_macro2::Ident,
) -> TokenStream {
    let lenient = "::tcmpp_api::__private::lenient";
    let fields = a.response.fields.iter().map(|f| {
        let id = ident(&f.ident);
        let wire = &f.wire_name;
        let ty = rust_type(api, &f.ty);
        quote! {
            #[serde(rename = #wire, default, deserialize_with = #lenient)]
            #id: Option<#ty>,
        }
    });
    let required = a.response.fields.iter().filter(|f| f.required).map(|f| {
        let id = ident(&f.ident);
        let wire = &f.wire_name;
        quote! {
            let Some(#id) = self.#id else {
                return Err(::tcmpp_api::__private::BodyError::Missing {
                    member: #wire,
                    request_id: Some(request_id),
                });
            };
        }
    });
    let moves = a.response.fields.iter().map(|f| {
        let id = ident(&f.ident);
        if f.required {
            quote!(#id,)
        } else {
            quote!(#id: self.#id,)
        }
    });
    quote! {
        /// Wire form of the `Response` object; not part of the public API.
        #[doc(hidden)]
        #[derive(::tcmpp_api::__private::serde::Deserialize)]
        #[serde(crate = "::tcmpp_api::__private::serde")]
        pub struct #body {
            #[serde(rename = "Error", default)]
            error: Option<::tcmpp_api::__private::ErrorBody>,
            #[serde(rename = "RequestId", default, deserialize_with = #lenient)]
            request_id: Option<String>,
            #(#fields)*
        }

        impl ::tcmpp_api::__private::ResponseBody for #body {
            type Output = #output;

            fn into_output(self) -> Result<#output, ::tcmpp_api::__private::BodyError> {
                if let Some(error) = self.error {
                    return Err(::tcmpp_api::__private::BodyError::Service(error.into_metadata(self.request_id)));
                }
                let Some(request_id) = self.request_id else {
                    return Err(::tcmpp_api::__private::BodyError::Missing {
                        member: "RequestId",
                        request_id: None,
                    });
                };
                #(#required)*
                Ok(#output { #(#moves)* request_id })
            }
        }
    }
}

fn error_types(api: &Api, a: &Action, error: &proc_macro2::Ident) -> TokenStream {
    let kind = format_ident!("{}Kind", error);
    let wire = &a.wire_name;
    let all = a.all_errors(&api.common_errors);
    let variants: Vec<_> = all.iter().map(|e| ident(&e.variant)).collect();
    let codes: Vec<&str> = all.iter().map(|e| e.code.as_str()).collect();
    let variant_docs = all.iter().map(|e| {
        let origin = if a.errors.iter().any(|b| b.code == e.code) {
            ""
        } else {
            " (common error)"
        };
        docs::outer(&format!("`{}`{origin}: {}", e.code, markdown(&e.document)))
    });
    let kind_doc = docs::outer(&format!(
        "The error codes `{wire}` is documented to return: its own codes first, then the codes common to every action. \
         Any other code is [`Unhandled`]({kind}::Unhandled)."
    ));
    let error_doc = docs::outer(&format!(
        "An error answer of `{wire}`: its [kind]({error}::kind), and the code, message and request id the service sent."
    ));
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
            pub fn from_code(code: &str) -> Self {
                match code {
                    #(#codes => Self::#variants,)*
                    _ => Self::Unhandled,
                }
            }

            /// The code this kind stands for; `None` for [`Unhandled`](Self::Unhandled).
            pub fn code(self) -> Option<&'static str> {
                match self {
                    #(Self::#variants => Some(#codes),)*
                    Self::Unhandled => None,
                }
            }
        }

        #error_doc
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct #error {
            kind: #kind,
            metadata: ::tcmpp_api::ErrorMetadata,
        }

        impl #error {
            /// Classifies what the service said; also how to build one in tests.
            pub fn new(metadata: ::tcmpp_api::ErrorMetadata) -> Self {
                #error { kind: #kind::from_code(metadata.code()), metadata }
            }

            /// Which documented error this is.
            pub fn kind(&self) -> #kind {
                self.kind
            }

            /// The error code as sent, also for [`Unhandled`](#kind::Unhandled) errors.
            pub fn code(&self) -> &str {
                self.metadata.code()
            }

            /// The service's message.
            pub fn message(&self) -> &str {
                self.metadata.message()
            }

            /// The `RequestId` of the answer.
            pub fn request_id(&self) -> Option<&str> {
                self.metadata.request_id()
            }

            /// Everything the service said.
            pub fn metadata(&self) -> &::tcmpp_api::ErrorMetadata {
                &self.metadata
            }
        }

        impl ::std::fmt::Display for #error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.metadata, f)
            }
        }

        impl ::std::error::Error for #error {}

        impl ::tcmpp_api::operation::ServiceError for #error {
            fn from_metadata(metadata: ::tcmpp_api::ErrorMetadata) -> Self {
                Self::new(metadata)
            }

            fn metadata(&self) -> &::tcmpp_api::ErrorMetadata {
                &self.metadata
            }
        }
    }
}
