//! Tests of the bounded asynchronous origin checks.
