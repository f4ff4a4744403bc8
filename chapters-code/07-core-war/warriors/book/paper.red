;redcode-94
;name Paper
;author the book
; A replicator. It copies its six cells to another place in the core,
; starts a process there, and does it again, each copy a little nearer
; than the last. The copies replicate in turn, so processes spread over
; the core faster than a stone can bomb them: a bomb kills one copy, the
; others go on. Paper is hard to kill, and kills little. Each copy lands
; 43 cells nearer than the one before: the SUB takes 37 off `dst`, and the
; copy loop itself has taken 6 (one a cell).
;
; Two of its instructions are also its pointers. `src`'s B-field counts
; the cells still to copy and points at the next one (from the last cell
; down); `dst`'s B-field points at where that cell goes.
        org     src
length  equ     last - src + 1
src     mov.ab  #length, 0      ; (re)load the count: its own B-field
copy    mov.i   <src, <dst      ; copy one cell, from the last one down
        jmn.b   copy, src       ; until every cell is copied
dst     spl     @0, 1733        ; start a process at the copy's first cell
        sub.ab  #37, dst        ; the next copy goes nearer
last    jmz.b   src, src        ; the count is 0: make another copy
