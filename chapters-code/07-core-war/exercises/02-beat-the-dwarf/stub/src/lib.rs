//! Chapter 7, exercise 2: a warrior that beats the dwarf (your warrior
//! goes here).

/// The warrior's Redcode source.
pub const WARRIOR: &str = "\
;redcode-94
;name Not Yet
;author me
        mov.i   0, 1
";
