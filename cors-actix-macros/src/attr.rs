//! One key's value, set at most once: a key given twice is an error where it is given again
//! (the serde_derive `Attr::set` pattern).

use cors_actix_grammar::Key;
use syn::Ident;

use crate::ctxt::Ctxt;

/// The value of `key`, with the tokens of the key where it was given.
pub(crate) struct Attr<T> {
    key: Key,
    value: Option<(Ident, T)>,
}

impl<T> Attr<T> {
    /// `key`, not given yet.
    pub(crate) fn none(key: Key) -> Self {
        Self { key, value: None }
    }

    /// Records `value`, given at `ident`. When the key was given before, reports the repeat
    /// at `ident` and keeps the first value.
    pub(crate) fn set(&mut self, cx: &Ctxt, ident: &Ident, value: T) {
        if self.value.is_some() {
            cx.error_spanned_by(ident, format!("`{}` is given more than once", self.key));
            return;
        }
        self.value = Some((ident.clone(), value));
    }

    /// The value, if the key was given.
    pub(crate) fn get(self) -> Option<T> {
        self.value.map(|(_, value)| value)
    }
}
