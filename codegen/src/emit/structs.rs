//! A struct with a typestate builder: the shape shared by inputs, outputs
//! and models.
//!
//! Required members are type parameters of the builder, starting as
//! `unset::Member` markers; each setter swaps one marker for the value's
//! type, and `build` is implemented only for the fully set builder. A
//! forgotten member is therefore a compile error that names it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{docs, ident, rust_type, unset_marker};
use crate::ir::{Api, Field, Type};

pub(crate) struct StructDef<'a> {
    pub name: String,
    pub docs: TokenStream,
    pub fields: Vec<&'a Field>,
    /// Public, `#[non_exhaustive]` fields (outputs, models) or private
    /// fields with getters (inputs, whose required members must stay set).
    pub public_fields: bool,
    /// Derive `Deserialize` (with tolerant scalars) as well as `Serialize`.
    pub deserialize: bool,
    /// Extra docs for `builder()`, e.g. examples.
    pub builder_docs: TokenStream,
}

const SERDE_CRATE: &str = "::tcmpp_api::__private::serde";
const LENIENT: &str = "::tcmpp_api::__private::lenient";

pub(crate) fn emit(api: &Api, def: &StructDef<'_>) -> TokenStream {
    let name = ident(&def.name);
    let builder = format_ident!("{}Builder", def.name);
    let struct_docs = &def.docs;

    let fields = def.fields.iter().map(|f| {
        let id = ident(&f.ident);
        let ty = storage_type(api, f);
        let doc = field_docs(f);
        let wire = &f.wire_name;
        let mut attrs = vec![quote!(rename = #wire)];
        if !f.required {
            attrs.push(quote!(skip_serializing_if = "Option::is_none"));
        }
        if def.deserialize {
            attrs.push(quote!(deserialize_with = #LENIENT));
            if !f.required {
                attrs.push(quote!(default));
            }
        }
        let vis = if def.public_fields {
            quote!(pub)
        } else {
            quote!()
        };
        quote! {
            #doc
            #[serde(#(#attrs),*)]
            #vis #id: #ty,
        }
    });

    let required: Vec<&&Field> = def.fields.iter().filter(|f| f.required).collect();
    let mut derives = vec![quote!(Clone), quote!(Debug), quote!(PartialEq)];
    if required.is_empty() {
        derives.push(quote!(Default));
    }
    derives.push(quote!(::tcmpp_api::__private::serde::Serialize));
    if def.deserialize {
        derives.push(quote!(::tcmpp_api::__private::serde::Deserialize));
    }
    let non_exhaustive = if def.public_fields {
        quote!(#[non_exhaustive])
    } else {
        quote!()
    };
    let getters = if def.public_fields {
        TokenStream::new()
    } else {
        let g = def.fields.iter().map(|f| getter(api, f));
        quote!(#(#g)*)
    };
    let builder_docs = &def.builder_docs;
    let lenient_impl = if def.deserialize {
        quote! {
            impl ::tcmpp_api::__private::Lenient for #name {
                fn deserialize_lenient<'de, D>(d: D) -> Result<Self, D::Error>
                where
                    D: ::tcmpp_api::__private::serde::Deserializer<'de>,
                {
                    <Self as ::tcmpp_api::__private::serde::Deserialize<'de>>::deserialize(d)
                }
            }
        }
    } else {
        TokenStream::new()
    };
    let starts_doc = format!(" Starts a [`{builder}`].");
    let builder_def = builder_items(api, def, &name, &builder);
    quote! {
        #struct_docs
        #[derive(#(#derives),*)]
        #[serde(crate = #SERDE_CRATE)]
        #non_exhaustive
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #[doc = #starts_doc]
            #builder_docs
            pub fn builder() -> #builder {
                #builder::new()
            }
            #getters
        }

        #lenient_impl
        #builder_def
    }
}

fn builder_items(
    api: &Api,
    def: &StructDef<'_>,
    name: &proc_macro2::Ident,
    builder: &proc_macro2::Ident,
) -> TokenStream {
    let required: Vec<&Field> = def.fields.iter().copied().filter(|f| f.required).collect();
    let params: Vec<proc_macro2::Ident> =
        (0..required.len()).map(|i| format_ident!("S{i}")).collect();
    let markers: Vec<TokenStream> = required
        .iter()
        .map(|f| {
            let m = unset_marker(&f.ident);
            quote!(unset::#m)
        })
        .collect();
    let generics_decl = if required.is_empty() {
        quote!()
    } else {
        quote!(<#(#params = #markers),*>)
    };
    let generics_use = if required.is_empty() {
        quote!()
    } else {
        quote!(<#(#params),*>)
    };
    let set_types: Vec<TokenStream> = required.iter().map(|f| rust_type(api, &f.ty)).collect();
    let (build_generics, build_bounds) = if required.is_empty() {
        (quote!(), quote!())
    } else {
        (
            quote!(<#(#params),*>),
            quote!(where #(#params: ::tcmpp_api::builder::IsSet<#set_types>),*),
        )
    };

    // Builder storage: a type parameter per required member, Option otherwise.
    let mut ri = 0;
    let storage = def.fields.iter().map(|f| {
        let id = ident(&f.ident);
        if f.required {
            let p = &params[ri];
            ri += 1;
            quote!(#id: #p,)
        } else {
            let ty = rust_type(api, &f.ty);
            quote!(#id: Option<#ty>,)
        }
    });
    let init = def.fields.iter().map(|f| {
        let id = ident(&f.ident);
        if f.required {
            let m = unset_marker(&f.ident);
            quote!(#id: unset::#m,)
        } else {
            quote!(#id: None,)
        }
    });
    let moves: Vec<TokenStream> = def
        .fields
        .iter()
        .map(|f| {
            let id = ident(&f.ident);
            if f.required {
                quote!(#id: ::tcmpp_api::builder::IsSet::into_value(self.#id),)
            } else {
                quote!(#id: self.#id,)
            }
        })
        .collect();

    let required_setters = required.iter().enumerate().map(|(i, f)| {
        let id = ident(&f.ident);
        let others: Vec<&proc_macro2::Ident> = params
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, p)| p)
            .collect();
        let mut from_args = params.iter().map(|p| quote!(#p)).collect::<Vec<_>>();
        from_args[i] = markers[i].clone();
        let mut to_args = params.iter().map(|p| quote!(#p)).collect::<Vec<_>>();
        to_args[i] = set_types[i].clone();
        let (arg_decl, value, bounds) = setter_arg(api, f);
        let doc = field_docs(f);
        let rebuilt = def.fields.iter().map(|g| {
            let gid = ident(&g.ident);
            if g.ident == f.ident {
                quote!(#gid: #value,)
            } else {
                quote!(#gid: self.#gid,)
            }
        });
        quote! {
            impl<#(#others),*> #builder<#(#from_args),*> {
                #doc
                pub fn #id #bounds (self, #arg_decl) -> #builder<#(#to_args),*> {
                    #builder { #(#rebuilt)* }
                }
            }
        }
    });

    let optional_setters = def.fields.iter().filter(|f| !f.required).map(|f| {
        let id = ident(&f.ident);
        let set_id = format_ident!("set_{}", f.ident.trim_end_matches('_'));
        let ty = rust_type(api, &f.ty);
        let (arg_decl, value, bounds) = setter_arg(api, f);
        let doc = field_docs(f);
        let set_doc = format!(" Sets or clears `{}`.", f.ident);
        quote! {
            #doc
            pub fn #id #bounds (mut self, #arg_decl) -> Self {
                self.#id = Some(#value);
                self
            }
            #[doc = #set_doc]
            pub fn #set_id(mut self, #id: Option<#ty>) -> Self {
                self.#id = #id;
                self
            }
        }
    });
    let optional_impl = if def.fields.iter().any(|f| !f.required) {
        quote! {
            impl #generics_use #builder #generics_use {
                #(#optional_setters)*
            }
        }
    } else {
        TokenStream::new()
    };

    let builder_doc = if required.is_empty() {
        format!(" Builds a [`{name}`].")
    } else {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.ident)).collect();
        format!(
            " Builds a [`{name}`].\n\n Required: {}. The type tracks which are set; `build` exists only once all are.",
            names.join(", ")
        )
    };
    let build_doc = format!(" Builds the [`{name}`].");
    let builder_doc = builder_doc
        .lines()
        .map(|l| l.to_owned())
        .collect::<Vec<_>>();
    quote! {
        #(#[doc = #builder_doc])*
        #[derive(Clone, Debug)]
        #[must_use]
        pub struct #builder #generics_decl {
            #(#storage)*
        }

        impl #builder {
            /// A builder with nothing set.
            pub fn new() -> Self {
                #builder { #(#init)* }
            }
        }

        impl Default for #builder {
            fn default() -> Self {
                Self::new()
            }
        }

        #(#required_setters)*
        #optional_impl

        impl #build_generics #builder #generics_use #build_bounds {
            #[doc = #build_doc]
            pub fn build(self) -> #name {
                #name { #(#moves)* }
            }
        }
    }
}

/// Argument declaration, converted value, and generic bounds of a setter.
fn setter_arg(api: &Api, f: &Field) -> (TokenStream, TokenStream, TokenStream) {
    let id = ident(&f.ident);
    match &f.ty {
        Type::List(inner) => {
            let inner = rust_type(api, inner);
            (
                quote!(#id: I),
                quote!(#id.into_iter().map(Into::into).collect()),
                quote!(<I: IntoIterator<Item = E>, E: Into<#inner>>),
            )
        }
        ty => {
            let ty = rust_type(api, ty);
            (quote!(#id: impl Into<#ty>), quote!(#id.into()), quote!())
        }
    }
}

fn storage_type(api: &Api, f: &Field) -> TokenStream {
    let ty = rust_type(api, &f.ty);
    if f.required { ty } else { quote!(Option<#ty>) }
}

pub(crate) fn field_docs(f: &Field) -> TokenStream {
    let mut text = super::markdown(&f.document);
    if let Some(ex) = &f.example {
        if !ex.is_null() && ex != "无" {
            text.push_str(&format!("\n\nExample: `{}`", ex));
        }
    }
    text.push_str(&format!("\n\nWire name: `{}`.", f.wire_name));
    docs::outer(&text)
}

fn getter(api: &Api, f: &Field) -> TokenStream {
    let id = ident(&f.ident);
    let doc = field_docs(f);
    let (ret, body) = match (&f.ty, f.required) {
        (Type::String, true) => (quote!(&str), quote!(&self.#id)),
        (Type::String, false) => (quote!(Option<&str>), quote!(self.#id.as_deref())),
        (Type::List(inner), true) => {
            let inner = rust_type(api, inner);
            (quote!(&[#inner]), quote!(&self.#id))
        }
        (Type::List(inner), false) => {
            let inner = rust_type(api, inner);
            (quote!(Option<&[#inner]>), quote!(self.#id.as_deref()))
        }
        (Type::Int64 | Type::Uint64 | Type::Float | Type::Bool, true) => {
            (rust_type(api, &f.ty), quote!(self.#id))
        }
        (Type::Int64 | Type::Uint64 | Type::Float | Type::Bool, false) => {
            let ty = rust_type(api, &f.ty);
            (quote!(Option<#ty>), quote!(self.#id))
        }
        (ty, true) => {
            let ty = rust_type(api, ty);
            (quote!(&#ty), quote!(&self.#id))
        }
        (ty, false) => {
            let ty = rust_type(api, ty);
            (quote!(Option<&#ty>), quote!(self.#id.as_ref()))
        }
    };
    quote! {
        #doc
        pub fn #id(&self) -> #ret {
            #body
        }
    }
}
