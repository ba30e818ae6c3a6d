//! The `models` module: shared object types and value sets.

use proc_macro2::TokenStream;
use quote::quote;

use super::structs::{self, StructDef};
use super::{EmitOptions, Scope, docs, markdown, value_set};
use crate::ir::Api;

pub(crate) fn emit(api: &Api, _opts: &EmitOptions<'_>) -> TokenStream {
    let defined = api.value_sets.iter().map(|s| s.type_name.clone()).chain(
        api.models
            .iter()
            .flat_map(|m| [m.type_name.clone(), m.builder_name.clone()]),
    );
    let s = &Scope::new(api, defined);
    let sets = api.value_sets.iter().map(|set| value_set::emit(s, set));
    let models = api.models.iter().map(|m| {
        structs::emit(
            s,
            &StructDef {
                name: m.type_name.clone(),
                // What only answers carry is built with `Default`.
                builder: (m.input || !m.output).then(|| m.builder_name.clone()),
                docs: docs::outer(&docs::paragraphs([
                    markdown(&m.document),
                    format!("Wire name: `{}`.", m.wire_name),
                ])),
                fields: m.fields.iter().collect(),
                public_fields: true,
                // An object no action uses gets both: it is there for
                // users' own code.
                serialize: m.input || !m.output,
                deserialize: m.output || !m.input,
                builder_docs: TokenStream::new(),
                carrier: false,
            },
        )
    });
    quote! {
        //! Object types and value sets shared by the actions.
        #(#sets)*
        #(#models)*
    }
}
