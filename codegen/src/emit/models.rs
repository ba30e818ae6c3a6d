//! The `models` module: shared object types and value sets.

use proc_macro2::TokenStream;
use quote::quote;

use super::structs::{self, StructDef};
use super::{EmitOptions, docs, markdown, unset_module, value_set};
use crate::ir::Api;

pub(crate) fn emit(api: &Api, _opts: &EmitOptions<'_>) -> TokenStream {
    let sets = api.value_sets.iter().map(value_set::emit);
    let models = api.models.iter().map(|m| {
        structs::emit(
            api,
            &StructDef {
                name: m.type_name.clone(),
                docs: docs::outer(&format!(
                    "{}\n\nWire name: `{}`.",
                    markdown(&m.document),
                    m.wire_name
                )),
                fields: m.fields.iter().collect(),
                public_fields: true,
                deserialize: true,
                builder_docs: TokenStream::new(),
            },
        )
    });
    let required: Vec<&str> = api
        .models
        .iter()
        .flat_map(|m| {
            m.fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.ident.as_str())
        })
        .collect();
    let unset = unset_module(&required);
    quote! {
        //! Object types and value sets shared by the actions.
        #(#sets)*
        #(#models)*
        #unset
    }
}
