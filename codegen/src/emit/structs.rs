//! A struct with a typestate builder: the shape shared by inputs, outputs
//! and models.
//!
//! Required members are type parameters of the builder, starting as
//! `unset::Member` markers; each setter turns its parameter into the
//! value's type (from any state: a second call replaces the value), and
//! `build` is implemented only for the fully set builder. A forgotten
//! member is therefore a compile error that names it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Scope, Std, docs, ident};
use crate::ir::{Field, Type};

pub(crate) struct StructDef<'a> {
    pub name: String,
    /// Its builder's name. `None`: no builder; the struct has public,
    /// all-optional fields and `Default`, which is how users build it.
    pub builder: Option<String>,
    pub docs: TokenStream,
    pub fields: Vec<&'a Field>,
    /// Public, `#[non_exhaustive]` fields (outputs, models) or private
    /// fields with getters (inputs, whose required members must stay set).
    pub public_fields: bool,
    /// Derive `Serialize` (requests carry it).
    pub serialize: bool,
    /// Derive `Deserialize`, tolerantly (answers carry it).
    pub deserialize: bool,
    /// Extra docs for `builder()`, e.g. examples.
    pub builder_docs: TokenStream,
    /// The builder carries a client slot (type parameter `C`, `()` until
    /// bound): an action's input builder, whose `Client`-bound form is the
    /// fluent request, so its setters are generated once.
    pub carrier: bool,
}

/// The builder's field holding its client slot; reserved among members.
pub(crate) const CARRIER_FIELD: &str = "__carrier";

const SERDE_CRATE: &str = "::tencentcloud_runtime::__private::serde";
const LENIENT: &str = "::tencentcloud_runtime::__private::lenient";

pub(crate) fn emit(s: &Scope<'_>, def: &StructDef<'_>) -> TokenStream {
    let name = ident(&def.name);
    let struct_docs = &def.docs;
    let is_none = format!("{}::is_none", s.std_str(Std::Option));
    // Answers may omit any member: such structs decode through `Fields`.
    let by_fields = def.deserialize && def.fields.iter().all(|f| !f.required);
    let derive_de = def.deserialize && !by_fields;

    let fields = def.fields.iter().map(|f| {
        let id = ident(&f.ident);
        let ty = storage_type(s, f);
        let doc = field_docs(f);
        let wire = &f.wire_name;
        let mut attrs = vec![quote!(rename = #wire)];
        if !f.required && def.serialize {
            attrs.push(quote!(skip_serializing_if = #is_none));
        }
        if derive_de {
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
        let serde = if def.serialize || derive_de {
            quote!(#[serde(#(#attrs),*)])
        } else {
            quote!()
        };
        quote! {
            #doc
            #serde
            #vis #id: #ty,
        }
    });

    let required: Vec<&&Field> = def.fields.iter().filter(|f| f.required).collect();
    // A struct holding a secret gets a `Debug` that redacts it.
    let redacts = def.fields.iter().any(|f| f.sensitive);
    let mut derives = vec![quote!(Clone)];
    if !redacts {
        derives.push(quote!(Debug));
    }
    derives.push(quote!(PartialEq));
    if required.is_empty() || def.builder.is_none() || by_fields {
        derives.push(quote!(Default));
    }
    if def.serialize {
        derives.push(quote!(::tencentcloud_runtime::__private::serde::Serialize));
    }
    if derive_de {
        derives.push(quote!(
            ::tencentcloud_runtime::__private::serde::Deserialize
        ));
    }
    let serde_crate = if def.serialize || derive_de {
        quote!(#[serde(crate = #SERDE_CRATE)])
    } else {
        quote!()
    };
    let non_exhaustive = if def.public_fields {
        quote!(#[non_exhaustive])
    } else {
        quote!()
    };
    let getters = if def.public_fields {
        // Outputs and answer objects: each optional list also reads as a
        // slice, so users never unwrap an `Option<Vec<_>>`.
        if def.deserialize || !def.serialize {
            let s = def.fields.iter().filter_map(|f| slice_accessor(s, f));
            quote!(#(#s)*)
        } else {
            TokenStream::new()
        }
    } else {
        let g = def.fields.iter().map(|f| getter(s, f));
        quote!(#(#g)*)
    };
    let builder_docs = &def.builder_docs;
    let lenient_impl = if def.deserialize {
        let (result, option) = (s.std(Std::Result), s.std(Std::Option));
        quote! {
            impl ::tencentcloud_runtime::__private::Lenient for #name {
                fn deserialize_lenient<'de, D>(d: D) -> #result<Self, D::Error>
                where
                    D: ::tencentcloud_runtime::__private::serde::Deserializer<'de>,
                {
                    <Self as ::tencentcloud_runtime::__private::serde::Deserialize<'de>>::deserialize(d)
                }

                fn deserialize_lenient_option<'de, D>(d: D) -> #result<#option<Self>, D::Error>
                where
                    D: ::tencentcloud_runtime::__private::serde::Deserializer<'de>,
                {
                    ::tencentcloud_runtime::__private::object_or_zero(d)
                }
            }
        }
    } else {
        TokenStream::new()
    };
    let fields_def = if by_fields {
        let entries: Vec<FieldEntry<'_>> = def
            .fields
            .iter()
            .map(|f| FieldEntry {
                wire: &f.wire_name,
                field: ident(&f.ident),
                lenient: true,
            })
            .collect();
        fields_impl(s, &quote!(#name), &entries)
    } else {
        TokenStream::new()
    };
    let (inherent, builder_def) = match &def.builder {
        Some(builder) => {
            let builder = ident(builder);
            let starts_doc = format!(" Starts a [`{builder}`].");
            let items = builder_items(s, def, &builder);
            (
                quote! {
                    impl #name {
                        #[doc = #starts_doc]
                        #builder_docs
                        pub fn builder() -> #builder {
                            #builder::new()
                        }
                        #getters
                    }
                },
                items,
            )
        }
        None if getters.is_empty() => (TokenStream::new(), TokenStream::new()),
        None => (quote!(impl #name { #getters }), TokenStream::new()),
    };
    let debug_impl = if redacts {
        redacted_debug(&def.name, &def.fields)
    } else {
        TokenStream::new()
    };
    quote! {
        #struct_docs
        #[derive(#(#derives),*)]
        #serde_crate
        #non_exhaustive
        pub struct #name {
            #(#fields)*
        }

        #debug_impl
        #inherent
        #fields_def
        #lenient_impl
        #builder_def
    }
}

/// `Debug` for a struct with sensitive members: each shown as
/// `"** redacted **"` (or `None` when an optional one is unset), the others
/// as derived.
fn redacted_debug(name: &str, fields: &[&Field]) -> TokenStream {
    let id = ident(name);
    let shown = fields.iter().map(|f| {
        let field = ident(&f.ident);
        let label = &f.ident;
        let value = match (f.sensitive, f.required) {
            (false, _) => quote!(&self.#field),
            (true, true) => quote!(&"** redacted **"),
            (true, false) => quote!(&self.#field.as_ref().map(|_| "** redacted **")),
        };
        quote!(.field(#label, #value))
    });
    quote! {
        impl ::core::fmt::Debug for #id {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#name)#(#shown)*.finish()
            }
        }
    }
}

/// The typestate of a struct's required members: one type parameter each,
/// starting as its `unset` marker.
pub(crate) struct Typestate {
    params: Vec<proc_macro2::Ident>,
    markers: Vec<TokenStream>,
    set_types: Vec<TokenStream>,
    /// A leading `C` (the client slot, `()` by default) before the states.
    carrier: bool,
}

impl Typestate {
    pub(crate) fn new(s: &Scope<'_>, fields: &[&Field]) -> Self {
        let required: Vec<&&Field> = fields.iter().filter(|f| f.required).collect();
        Typestate {
            params: (0..required.len()).map(|i| format_ident!("S{i}")).collect(),
            markers: required
                .iter()
                .map(|f| s.root(&format!("unset::{}", s.marker(&f.ident))))
                .collect(),
            set_types: required.iter().map(|f| s.ty(&f.ty)).collect(),
            carrier: false,
        }
    }

    /// The same states after a leading client slot `C`.
    pub(crate) fn with_carrier(mut self) -> Self {
        self.carrier = true;
        self
    }

    /// `C, ` when there is a client slot, for lists of arguments.
    fn lead(&self) -> TokenStream {
        if self.carrier { quote!(C,) } else { quote!() }
    }

    /// `<S0 = unset::A, ...>` for the type declaration.
    pub(crate) fn decl(&self) -> TokenStream {
        let lead = if self.carrier {
            quote!(C = (),)
        } else {
            quote!()
        };
        if self.params.is_empty() && !self.carrier {
            return quote!();
        }
        let (params, markers) = (&self.params, &self.markers);
        quote!(<#lead #(#params = #markers),*>)
    }

    /// `<S0, ...>` without the client slot, e.g. for `Builder<Client, S0, ...>`.
    pub(crate) fn states(&self) -> Vec<proc_macro2::Ident> {
        self.params.clone()
    }

    /// `#[allow(clippy::type_complexity)]` where the type names many
    /// states (ccc has 11 required members, cwp 15): clippy finds such a
    /// type complex, but it is the typestate itself, nothing to factor out.
    pub(crate) fn allow_complexity(&self) -> TokenStream {
        if self.params.len() >= 8 {
            quote!(#[allow(clippy::type_complexity)])
        } else {
            quote!()
        }
    }

    /// `<S0, ...>` (`<C, S0, ...>` with a client slot).
    pub(crate) fn params(&self) -> TokenStream {
        if self.params.is_empty() && !self.carrier {
            return quote!();
        }
        let (lead, params) = (self.lead(), &self.params);
        quote!(<#lead #(#params),*>)
    }

    /// `where S0: IsSet<T0>, ...`: every required member is set.
    pub(crate) fn all_set(&self) -> TokenStream {
        if self.params.is_empty() {
            return quote!();
        }
        let (params, types) = (&self.params, &self.set_types);
        quote!(where #(#params: ::tencentcloud_runtime::builder::IsSet<#types>),*)
    }
}

/// What a setter's body must do, for [`setter_impls`].
enum Setter<'a> {
    /// Set required `field` to `value`, changing the typestate.
    Required {
        field: &'a Field,
        value: TokenStream,
    },
    /// Set optional `field` to `Some(value)`.
    Optional {
        field: &'a Field,
        value: TokenStream,
    },
    /// Set optional `field` from the `Option` argument named like it.
    SetOptional { field: &'a Field },
}

/// The setter impl blocks of `target`, a type generic over `ts`: one impl
/// per required member (from unset to set), one for all optional members.
fn setter_impls(
    s: &Scope<'_>,
    fields: &[&Field],
    ts: &Typestate,
    target: &proc_macro2::Ident,
    body: &dyn Fn(Setter<'_>) -> TokenStream,
) -> TokenStream {
    let required: Vec<&Field> = fields.iter().copied().filter(|f| f.required).collect();
    let required_setters = required.iter().enumerate().map(|(i, f)| {
        let id = ident(&f.ident);
        // From any state, so that a second call replaces the value (as an
        // optional setter does) instead of failing to compile.
        let params = &ts.params;
        let mut to_args: Vec<TokenStream> = ts.params.iter().map(|p| quote!(#p)).collect();
        to_args[i] = ts.set_types[i].clone();
        let (arg_decl, value, bounds) = setter_arg(s, f);
        let doc = field_docs(f);
        let body = body(Setter::Required { field: f, value });
        let allow = ts.allow_complexity();
        let lead = ts.lead();
        quote! {
            #allow
            impl<#lead #(#params),*> #target<#lead #(#params),*> {
                #doc
                pub fn #id #bounds (self, #arg_decl) -> #target<#lead #(#to_args),*> {
                    #body
                }
            }
        }
    });
    let optional_setters: Vec<TokenStream> = fields
        .iter()
        .filter(|f| !f.required)
        .map(|f| {
            let id = ident(&f.ident);
            let set_id = ident(&f.set_ident);
            let (option, ty) = (s.std(Std::Option), s.field_ty(f));
            let (arg_decl, value, bounds) = setter_arg(s, f);
            let doc = field_docs(f);
            let set_doc = format!(" Sets or clears `{}`.", f.ident);
            let set_body = body(Setter::Optional { field: f, value });
            let clear_body = body(Setter::SetOptional { field: f });
            quote! {
                #doc
                pub fn #id #bounds (mut self, #arg_decl) -> Self {
                    #set_body
                }
                #[doc = #set_doc]
                pub fn #set_id(mut self, #id: #option<#ty>) -> Self {
                    #clear_body
                }
            }
        })
        .collect();
    let optional_impl = if optional_setters.is_empty() {
        TokenStream::new()
    } else {
        let params = ts.params();
        quote! {
            impl #params #target #params {
                #(#optional_setters)*
            }
        }
    };
    quote! {
        #(#required_setters)*
        #optional_impl
    }
}

fn builder_items(s: &Scope<'_>, def: &StructDef<'_>, builder: &proc_macro2::Ident) -> TokenStream {
    let mut ts = Typestate::new(s, &def.fields);
    if def.carrier {
        ts = ts.with_carrier();
    }
    let carrier = format_ident!("{}", CARRIER_FIELD);
    let (carrier_storage, carrier_init, carrier_move) = if def.carrier {
        (
            quote!(#carrier: C,),
            quote!(#carrier: (),),
            quote!(#carrier: self.#carrier,),
        )
    } else {
        (quote!(), quote!(), quote!())
    };
    let (decl, params, all_set) = (ts.decl(), ts.params(), ts.all_set());
    let (option, some, none) = (s.std(Std::Option), s.std(Std::Some), s.std(Std::None));
    let default = s.std(Std::Default);
    // Inside the generic impl of `build`, where `S0`… are parameters.
    let name = s.own(&def.name);

    // Builder storage: a type parameter per required member, Option otherwise.
    let mut next_param = ts.params.iter();
    let storage = def.fields.iter().map(|f| {
        let id = ident(&f.ident);
        match f.required.then(|| next_param.next()).flatten() {
            Some(p) => quote!(#id: #p,),
            None => {
                let ty = s.field_ty(f);
                quote!(#id: #option<#ty>,)
            }
        }
    });
    let init = def.fields.iter().map(|f| {
        let id = ident(&f.ident);
        if f.required {
            let marker = s.root(&format!("unset::{}", s.marker(&f.ident)));
            quote!(#id: #marker,)
        } else {
            quote!(#id: #none,)
        }
    });
    let moves = def.fields.iter().map(|f| {
        let id = ident(&f.ident);
        if f.required {
            quote!(#id: ::tencentcloud_runtime::builder::IsSet::into_value(self.#id),)
        } else {
            quote!(#id: self.#id,)
        }
    });
    let setters = setter_impls(s, &def.fields, &ts, builder, &|setter| match setter {
        Setter::Required { field, value } => {
            let rebuilt = def.fields.iter().map(|g| {
                let gid = ident(&g.ident);
                if g.ident == field.ident {
                    quote!(#gid: #value,)
                } else {
                    quote!(#gid: self.#gid,)
                }
            });
            quote!(#builder { #carrier_move #(#rebuilt)* })
        }
        Setter::Optional { field, value } => {
            let id = ident(&field.ident);
            quote! { self.#id = #some(#value); self }
        }
        Setter::SetOptional { field } => {
            let id = ident(&field.ident);
            quote! { self.#id = #id; self }
        }
    });

    let required: Vec<String> = def
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| format!("`{}`", f.ident))
        .collect();
    let target = docs::struct_link(&def.name);
    let builder_doc = if required.is_empty() {
        format!(" Builds a {target}.")
    } else {
        format!(
            " Builds a {target}.\n\n Required: {}. The type tracks which are set; `build` exists only once all are.",
            required.join(", ")
        )
    };
    let builder_doc: Vec<&str> = builder_doc.lines().collect();
    let build_doc = format!(" Builds the {target}.");
    // A builder holding a secret shows none of its values.
    let (builder_derives, builder_debug) = if def.fields.iter().any(|f| f.sensitive) {
        let label = builder.to_string();
        (
            quote!(#[derive(Clone)]),
            quote! {
                impl #params ::core::fmt::Debug for #builder #params {
                    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.debug_struct(#label).finish_non_exhaustive()
                    }
                }
            },
        )
    } else {
        (quote!(#[derive(Clone, Debug)]), TokenStream::new())
    };
    quote! {
        #(#[doc = #builder_doc])*
        #builder_derives
        #[must_use]
        pub struct #builder #decl {
            #carrier_storage
            #(#storage)*
        }

        #builder_debug

        impl #builder {
            /// A builder with nothing set.
            pub fn new() -> Self {
                #builder { #carrier_init #(#init)* }
            }
        }

        impl #default for #builder {
            fn default() -> Self {
                Self::new()
            }
        }

        #setters

        impl #params #builder #params #all_set {
            #[doc = #build_doc]
            pub fn build(self) -> #name {
                #name { #(#moves)* }
            }
        }
    }
}

/// Argument declaration, converted value, and generic bounds of a setter.
fn setter_arg(s: &Scope<'_>, f: &Field) -> (TokenStream, TokenStream, TokenStream) {
    let id = ident(&f.ident);
    let into = s.std(Std::Into);
    match &f.ty {
        Type::List(inner) => {
            let (inner, into_iter) = (s.ty(inner), s.std(Std::IntoIterator));
            (
                quote!(#id: I),
                quote!(#id.into_iter().map(#into::into).collect()),
                quote!(<I: #into_iter<Item = E>, E: #into<#inner>>),
            )
        }
        ty if f.boxed => {
            let (ty, boxed) = (s.ty(ty), s.std(Std::Box));
            (
                quote!(#id: impl #into<#ty>),
                quote!(#boxed::new(#id.into())),
                quote!(),
            )
        }
        ty => {
            let ty = s.ty(ty);
            (quote!(#id: impl #into<#ty>), quote!(#id.into()), quote!())
        }
    }
}

fn storage_type(s: &Scope<'_>, f: &Field) -> TokenStream {
    let ty = s.field_ty(f);
    if f.required {
        ty
    } else {
        let option = s.std(Std::Option);
        quote!(#option<#ty>)
    }
}

pub(crate) fn field_docs(f: &Field) -> TokenStream {
    let mut parts = vec![super::markdown(&f.document)];
    if let Some(ex) = &f.example {
        if !ex.is_null() && ex != "无" {
            parts.push(format!("Example: `{}`", ex));
        }
    }
    if f.documented_present {
        parts.push(
            "Documented as always present; answers without it are still accepted.".to_owned(),
        );
    }
    parts.push(format!("Wire name: `{}`.", f.wire_name));
    docs::outer(&docs::paragraphs(parts))
}

/// `pub fn items(&self) -> &[T]` for an optional list field: the list, or
/// an empty slice when absent. The public field stays.
fn slice_accessor(s: &Scope<'_>, f: &Field) -> Option<TokenStream> {
    let Type::List(inner) = &f.ty else {
        return None;
    };
    if f.required {
        return None;
    }
    let (id, inner) = (ident(&f.ident), s.ty(inner));
    let doc = format!(" The `{}` list as a slice, empty when absent.", f.ident);
    Some(quote! {
        #[doc = #doc]
        pub fn #id(&self) -> &[#inner] {
            self.#id.as_deref().unwrap_or_default()
        }
    })
}

fn getter(s: &Scope<'_>, f: &Field) -> TokenStream {
    let id = ident(&f.ident);
    let doc = field_docs(f);
    let (option, str_) = (s.std(Std::Option), s.std(Std::Str));
    let (ret, body) = match (&f.ty, f.required) {
        (Type::String, true) => (quote!(&#str_), quote!(&self.#id)),
        (Type::String, false) => (quote!(#option<&#str_>), quote!(self.#id.as_deref())),
        (Type::List(inner), true) => {
            let inner = s.ty(inner);
            (quote!(&[#inner]), quote!(&self.#id))
        }
        (Type::List(inner), false) => {
            let inner = s.ty(inner);
            (quote!(#option<&[#inner]>), quote!(self.#id.as_deref()))
        }
        (Type::Int64 | Type::Uint64 | Type::Float | Type::Bool | Type::UnixSeconds, true) => {
            (s.ty(&f.ty), quote!(self.#id))
        }
        (Type::Int64 | Type::Uint64 | Type::Float | Type::Bool | Type::UnixSeconds, false) => {
            let ty = s.ty(&f.ty);
            (quote!(#option<#ty>), quote!(self.#id))
        }
        (ty, true) => {
            let ty = s.ty(ty);
            (quote!(&#ty), quote!(&self.#id))
        }
        (ty, false) if f.boxed => {
            let ty = s.ty(ty);
            (quote!(#option<&#ty>), quote!(self.#id.as_deref()))
        }
        (ty, false) => {
            let ty = s.ty(ty);
            (quote!(#option<&#ty>), quote!(self.#id.as_ref()))
        }
    };
    quote! {
        #doc
        pub fn #id(&self) -> #ret {
            #body
        }
    }
}

/// One member of a [`fields_impl`]: its wire name, its field, and whether
/// it decodes tolerantly (through `Lenient`) or plainly.
pub(crate) struct FieldEntry<'a> {
    pub wire: &'a str,
    pub field: proc_macro2::Ident,
    pub lenient: bool,
}

/// `Deserialize` through the runtime's `Fields`: one `match` on the key per
/// struct, instead of serde's derived visitor. Every member must start from
/// `Default` (answers may omit any).
pub(crate) fn fields_impl(
    s: &Scope<'_>,
    name: &TokenStream,
    entries: &[FieldEntry<'_>],
) -> TokenStream {
    let (result, ok) = (s.std(Std::Result), s.std(Std::Ok));
    let arms = entries.iter().map(|e| {
        let (wire, field) = (e.wire, &e.field);
        if e.lenient {
            quote!(#wire => self.#field = map.next_value_seed(::tencentcloud_runtime::__private::Seed::new())?,)
        } else {
            quote!(#wire => self.#field = map.next_value()?,)
        }
    });
    // An object without members (Tencent publishes some) knows no key: a
    // `match` of the catch-all arm alone would leave unreachable code and
    // an unused `map`.
    let body = if entries.is_empty() {
        quote! {
            let _ = (key, map);
            #ok(false)
        }
    } else {
        quote! {
            match key {
                #(#arms)*
                _ => return #ok(false),
            }
            #ok(true)
        }
    };
    quote! {
        impl ::tencentcloud_runtime::__private::Fields for #name {
            fn field<'de, A: ::tencentcloud_runtime::__private::serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> #result<bool, A::Error> {
                #body
            }
        }

        impl<'de> ::tencentcloud_runtime::__private::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::tencentcloud_runtime::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> #result<Self, D::Error> {
                ::tencentcloud_runtime::__private::fields(d)
            }
        }
    }
}
