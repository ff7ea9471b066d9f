//! One key's value, set at most once: a key given twice is an error where it is given again,
//! and the first one is pointed at too (the serde_derive `Attr::set` pattern).

use cors_actix_grammar::Key;
use syn::Ident;

use crate::ctxt::Ctxt;

/// The value of `key`, with the tokens of the key where it was given.
pub(crate) struct Attr<T> {
    key: Key,
    value: Option<(Ident, T)>,
    /// Whether a repeat was reported already, so that the first is pointed at once.
    repeated: bool,
}

impl<T> Attr<T> {
    /// `key`, not given yet.
    pub(crate) fn none(key: Key) -> Self {
        Self { key, value: None, repeated: false }
    }

    /// Records `value`, given at `ident`. When the key was given before, reports the repeat
    /// at `ident` (and where it was first given) and keeps the first value.
    pub(crate) fn set(&mut self, cx: &Ctxt, ident: &Ident, value: T) {
        let Some((first, _)) = &self.value else {
            self.value = Some((ident.clone(), value));
            return;
        };
        let key = self.key;
        cx.error_spanned_by(ident, format!("`{key}` is given more than once"));
        if !self.repeated {
            cx.error_spanned_by(first, format!("`{key}` is first given here; give each key once"));
            self.repeated = true;
        }
    }

    /// Where the key was first given, if it was.
    pub(crate) fn ident(&self) -> Option<&Ident> {
        self.value.as_ref().map(|(ident, _)| ident)
    }

    /// The value, if the key was given.
    pub(crate) fn get(self) -> Option<T> {
        self.value.map(|(_, value)| value)
    }
}
