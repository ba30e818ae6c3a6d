//! Value sets: an enum of the documented values plus `Unknown`, which keeps
//! whatever else the service sends so that decoding never fails on a new
//! value and re-encoding gives back the same wire value. The value it keeps
//! is a `tencentcloud_runtime::UnknownValue`, opaque to users (read through
//! the enum's `as_str`/`as_i64`, made only by `From`), so no code matches an
//! unknown value by what it is and breaks when that value gets a name.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Scope, Std, docs, ident, markdown};
use crate::ir::{SetKind, SetLiteral, ValueSet};

pub(crate) fn emit(s: &Scope<'_>, set: &ValueSet) -> TokenStream {
    let (string, str_, from) = (s.std(Std::String), s.std(Std::Str), s.std(Std::From));
    let result = s.std(Std::Result);
    let name = ident(&set.type_name);
    let doc = docs::outer(&docs::paragraphs([
        markdown(&set.document),
        format!(
            "Wire name: `{}`. Values this crate does not know decode to `Unknown`, which keeps them.",
            set.wire_name
        ),
    ]));
    let variants: Vec<_> = set.values.iter().map(|v| ident(&v.variant)).collect();
    let variant_docs = set.values.iter().map(|v| {
        let lit = match &v.wire {
            SetLiteral::String(s) => format!("`\"{s}\"`"),
            SetLiteral::Int(i) => format!("`{i}`"),
        };
        docs::outer(&format!("{lit}: {}", markdown(&v.document)))
    });
    let (raw_ty, accessor, serialize) = match set.kind {
        SetKind::String => (
            quote!(#string),
            "as_str",
            quote!(serializer.serialize_str(self.as_str())),
        ),
        SetKind::Int64 => (
            quote!(i64),
            "as_i64",
            quote!(serializer.serialize_i64(self.as_i64())),
        ),
    };
    let unknown_doc = docs::outer(&format!(
        "A value this version of the crate does not know, kept as sent: read it with [`{accessor}`]({}::{accessor}). \
         Opaque, so match it as `Unknown(_)`, never by value: a value documented later gets a variant of its own.",
        set.type_name
    ));
    let lits: Vec<TokenStream> = set
        .values
        .iter()
        .map(|v| match &v.wire {
            SetLiteral::String(s) => quote!(#s),
            SetLiteral::Int(i) => quote!(#i),
        })
        .collect();
    let (accessor_impl, from_impls, display) = match set.kind {
        SetKind::String => (
            quote! {
                pub fn as_str(&self) -> &#str_ {
                    match self {
                        #(Self::#variants => #lits,)*
                        Self::Unknown(v) => ::tencentcloud_runtime::__private::raw(v).as_str(),
                    }
                }
            },
            quote! {
                impl #from<&#str_> for #name {
                    fn from(v: &#str_) -> Self {
                        match v {
                            #(#lits => Self::#variants,)*
                            _ => Self::Unknown(::tencentcloud_runtime::__private::unknown(v.to_owned())),
                        }
                    }
                }
                impl #from<#string> for #name {
                    fn from(v: #string) -> Self {
                        match v.as_str() {
                            #(#lits => Self::#variants,)*
                            _ => Self::Unknown(::tencentcloud_runtime::__private::unknown(v)),
                        }
                    }
                }
            },
            quote!(f.write_str(self.as_str())),
        ),
        SetKind::Int64 => (
            quote! {
                pub fn as_i64(&self) -> i64 {
                    match self {
                        #(Self::#variants => #lits,)*
                        Self::Unknown(v) => *::tencentcloud_runtime::__private::raw(v),
                    }
                }
            },
            quote! {
                impl #from<i64> for #name {
                    fn from(v: i64) -> Self {
                        match v {
                            #(#lits => Self::#variants,)*
                            _ => Self::Unknown(::tencentcloud_runtime::__private::unknown(v)),
                        }
                    }
                }
            },
            quote!(::std::fmt::Display::fmt(&self.as_i64(), f)),
        ),
    };
    let copy = if set.kind == SetKind::Int64 {
        quote!(Copy,)
    } else {
        quote!()
    };
    quote! {
        #doc
        #[derive(Clone, #copy Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_docs #variants,)*
            #unknown_doc
            Unknown(::tencentcloud_runtime::UnknownValue<#raw_ty>),
        }

        impl #name {
            /// Every documented value, in spec order.
            pub const KNOWN: &'static [#name] = &[#(#name::#variants),*];

            /// The value as sent on the wire.
            #accessor_impl
        }

        #from_impls

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #display
            }
        }

        impl ::tencentcloud_runtime::__private::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> #result<S::Ok, S::Error>
            where
                S: ::tencentcloud_runtime::__private::serde::Serializer,
            {
                #serialize
            }
        }

        impl<'de> ::tencentcloud_runtime::__private::serde::Deserialize<'de> for #name {
            fn deserialize<D>(d: D) -> #result<Self, D::Error>
            where
                D: ::tencentcloud_runtime::__private::serde::Deserializer<'de>,
            {
                <#raw_ty as ::tencentcloud_runtime::__private::Lenient>::deserialize_lenient(d).map(Self::from)
            }
        }

        impl ::tencentcloud_runtime::__private::Lenient for #name {
            fn deserialize_lenient<'de, D>(d: D) -> #result<Self, D::Error>
            where
                D: ::tencentcloud_runtime::__private::serde::Deserializer<'de>,
            {
                <Self as ::tencentcloud_runtime::__private::serde::Deserialize<'de>>::deserialize(d)
            }
        }
    }
}
