//! The keys of a policy's configuration, named once: `#[cors(...)]` and `policy! { ... }`
//! take them as written here, configuration files use the same names, and every problem is
//! placed under one of them (`origins[1]`, `max_age`).

use std::{fmt, str::FromStr};

/// A key of a policy's configuration, as `#[cors(...)]`, `policy! { ... }` and configuration
/// files write it.
///
/// Deliberately exhaustive: a new key makes every `match` on it fail to compile until the
/// key is parsed, checked and documented there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    /// `policy = NAME`: a whole policy defined once with `policy! { static NAME = { .. } }`
    /// (the macros only).
    Policy,
    /// Exact origins, patterns, `*` and `null`.
    Origins,
    /// Origin regexes, anchored with `^...$`.
    OriginRegex,
    /// An origin predicate, decided at request time (the macros only).
    OriginFn,
    /// An asynchronous origin check, awaited at request time (the macros only).
    OriginAsync,
    /// The methods of `Access-Control-Allow-Methods`.
    Methods,
    /// The request headers of `Access-Control-Allow-Headers`.
    Headers,
    /// The response headers of `Access-Control-Expose-Headers`.
    Expose,
    /// `Access-Control-Allow-Credentials`.
    Credentials,
    /// `Access-Control-Max-Age`, in seconds.
    MaxAge,
    /// Private Network Access preflights.
    PrivateNetwork,
    /// What to do with actual requests from origins that are not allowed.
    OnMismatch,
    /// Cross-origin request protection.
    CrossOriginProtection,
    /// The origins browsers reach the server by.
    PublicOrigins,
}

impl Key {
    /// Every key, in the order the documentation lists them.
    pub const ALL: [Key; 14] = [
        Key::Policy,
        Key::Origins,
        Key::OriginRegex,
        Key::OriginFn,
        Key::OriginAsync,
        Key::Methods,
        Key::Headers,
        Key::Expose,
        Key::Credentials,
        Key::MaxAge,
        Key::PrivateNetwork,
        Key::OnMismatch,
        Key::CrossOriginProtection,
        Key::PublicOrigins,
    ];

    /// The key as it is written: `origins`, `max_age`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            Key::Policy => "policy",
            Key::Origins => "origins",
            Key::OriginRegex => "origin_regex",
            Key::OriginFn => "origin_fn",
            Key::OriginAsync => "origin_async",
            Key::Methods => "methods",
            Key::Headers => "headers",
            Key::Expose => "expose",
            Key::Credentials => "credentials",
            Key::MaxAge => "max_age",
            Key::PrivateNetwork => "private_network",
            Key::OnMismatch => "on_mismatch",
            Key::CrossOriginProtection => "cross_origin_protection",
            Key::PublicOrigins => "public_origins",
        }
    }

    /// What one value of the key is called in a message that names the value
    /// (``origin `https://app.example/`: ...``).
    pub const fn noun(self) -> &'static str {
        match self {
            Key::Policy | Key::Credentials | Key::OnMismatch => self.as_str(),
            Key::Origins => "origin",
            Key::OriginRegex => "origin regex",
            Key::OriginFn => "origin predicate",
            Key::OriginAsync => "asynchronous origin check",
            Key::Methods => "method",
            Key::Headers => "allowed header",
            Key::Expose => "exposed header",
            Key::MaxAge => "max-age",
            Key::PrivateNetwork => "private network access",
            Key::CrossOriginProtection => "cross-origin request protection",
            Key::PublicOrigins => "public origin",
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Key {
    type Err = UnknownKey;

    /// The key written `name`, exactly (keys are lower case).
    fn from_str(name: &str) -> Result<Self, UnknownKey> {
        Key::ALL
            .into_iter()
            .find(|key| key.as_str() == name)
            .ok_or_else(|| UnknownKey { name: name.to_owned(), suggestion: did_you_mean(name) })
    }
}

/// A name that is no [`Key`]; `Display` lists the keys, with the one meant first when the
/// name is close enough to be its typo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    /// The name as written.
    pub name: String,
    /// The key closest to it, if it is close enough to be a typo.
    pub suggestion: Option<Key>,
}

impl fmt::Display for UnknownKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown key `{}`; ", self.name)?;
        if let Some(key) = self.suggestion {
            write!(f, "did you mean `{key}`? ")?;
        }
        f.write_str("expected one of: ")?;
        for (index, key) in Key::ALL.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            f.write_str(key.as_str())?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownKey {}

/// Where in a policy's configuration a value was given: its key and, for a value of a list,
/// its position there (`None`: the key's single value, or its list as a whole).
///
/// `Display` writes it as a configuration file's key path: `origins[1]`, `max_age`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    /// The key the value was given to.
    pub key: Key,
    /// The value's position in the key's list.
    pub index: Option<usize>,
}

impl Place {
    /// The value at `index` of `key`'s list.
    pub const fn at(key: Key, index: usize) -> Self {
        Self { key, index: Some(index) }
    }

    /// `key`'s single value, or its list as a whole.
    pub const fn whole(key: Key) -> Self {
        Self { key, index: None }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.index {
            Some(index) => write!(f, "{}[{index}]", self.key),
            None => write!(f, "{}", self.key),
        }
    }
}

/// The key closest to `unknown`, if it is close enough to be a typo.
fn did_you_mean(unknown: &str) -> Option<Key> {
    Key::ALL
        .into_iter()
        .map(|key| (edit_distance(unknown, key.as_str()), key))
        .filter(|&(distance, key)| distance <= 2.max(key.as_str().len() / 3))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, key)| key)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_reads_back_as_itself() {
        for key in Key::ALL {
            assert_eq!(key.as_str().parse(), Ok(key));
            assert_eq!(key.to_string(), key.as_str());
        }
    }

    #[test]
    fn typos_get_a_suggestion() {
        let suggestion = |name: &str| name.parse::<Key>().unwrap_err().suggestion;
        assert_eq!(suggestion("origin"), Some(Key::Origins));
        assert_eq!(suggestion("header"), Some(Key::Headers));
        assert_eq!(suggestion("maxage"), Some(Key::MaxAge));
        assert_eq!(suggestion("credential"), Some(Key::Credentials));
        assert_eq!(suggestion("exposed_headers"), None);
        assert_eq!(suggestion("zzz"), None);
        assert_eq!(suggestion("Origins"), Some(Key::Origins), "keys are lower case");
    }

    #[test]
    fn places_read_as_key_paths() {
        assert_eq!(Place::at(Key::Origins, 1).to_string(), "origins[1]");
        assert_eq!(Place::whole(Key::MaxAge).to_string(), "max_age");
    }
}
