//! Chapter 7, exercise 2: a warrior that beats the dwarf (a plausible
//! wrong solution): a faster bomber. The mistake: speed alone does not
//! win, as both bombers have one process, and whichever is hit first
//! dies; this one's bombs miss the dwarf more often than the dwarf's miss
//! it.

/// The warrior's Redcode source.
pub const WARRIOR: &str = "\
;redcode-94
;name Faster Stone
;author the book
        org     loop
loop    add.ab  #2668, ptr
        mov.i   bomb, @ptr
ptr     djn.b   loop, #0
bomb    dat     #0, #0
";
