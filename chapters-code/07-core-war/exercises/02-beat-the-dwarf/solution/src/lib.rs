//! Chapter 7, exercise 2: a warrior that beats the dwarf (reference
//! solution): a replicator. The dwarf kills one process per bomb that is
//! executed, and a replicator has copies all over the core, each with
//! processes of its own; meanwhile its copies overwrite the dwarf.

/// The warrior's Redcode source.
pub const WARRIOR: &str = "\
;redcode-94
;name Mice
;author the book
        org     src
length  equ     last - src + 1
src     mov.ab  #length, 0      ; the count, and the source pointer
copy    mov.i   <src, <dst      ; copy from the last cell down
        jmn.b   copy, src
dst     spl     @0, 2357        ; run the copy
        sub.ab  #53, dst        ; the next one elsewhere
last    jmz.b   src, src
";
